//! The app's route table: each route with its full path (the prefixes of the routers it is
//! mounted under, across files), its middleware, and the rate limiter that covers it, if any.

use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::packages::in_package;
use crate::{ClassId, FileId, FnRef, Framework, ImportedName, Project, Route, Span, Value};

/// What a Python mount's handler or a route's `on` stands for, wherever it is imported from:
/// a view class or function, a module (a urlconf), or a module-level name (an app, a router).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Definition {
    Class(FileId, ClassId),
    Function(FnRef),
    Module(FileId),
    Binding(FileId, String),
}

/// Python mounts by what they mount: the urlconf patterns, routers and `include_router`s that
/// name a view, a urlconf or a router, found by the definition they resolve to.
type MountIndex = FxHashMap<Definition, Vec<(FileId, usize)>>;

/// Rate-limiting packages, by the package a middleware or call comes from.
pub const LIMITER_PACKAGES: &[&str] = &[
    "express-rate-limit",
    "express-slow-down",
    "rate-limiter-flexible",
    "@upstash/ratelimit",
    "@fastify/rate-limit",
    "hono-rate-limiter",
    "@hono-rate-limiter/redis",
    "@nestjs/throttler",
    "koa-ratelimit",
    "@arcjet/next",
    "@arcjet/node",
    // Python, as `package_path` spells modules: DRF's throttles, django-ratelimit (`ratelimit`
    // before 4.0), slowapi, fastapi-limiter, Flask-Limiter.
    "rest_framework/throttling",
    "django_ratelimit",
    "ratelimit",
    "slowapi",
    "fastapi_limiter",
    "flask_limiter",
];

/// Packages that lock out repeated failed logins through Django's authentication backend
/// (django-axes): they cover the routes whose handler checks a password with `authenticate()`.
const LOGIN_LOCKOUT_PACKAGES: &[&str] = &["axes"];

/// How deep a value or call is followed when looking for a limiter.
const MAX_DEPTH: u32 = 8;

/// What the Django settings put in front of views.
#[derive(Default)]
struct DjangoSettings {
    default_throttle: Option<String>,
    lockout: Option<String>,
}

/// One row of the route table.
#[derive(Debug, Clone, Serialize)]
pub struct RouteRow {
    pub framework: Framework,
    pub method: String,
    /// The full path: mount prefixes joined to the route's own path.
    pub path: String,
    /// Where the route is declared.
    pub file: String,
    pub line: u32,
    /// The handler function, when the project defines it.
    #[serde(skip)]
    pub handler: Option<FnRef>,
    /// Its name, when it has one (`login`, `createPost` for a server action).
    pub handler_name: Option<String>,
    /// The rate limiter that covers the route, as its package (`express-rate-limit`) or, for a
    /// hand-written one, the app's function (`applyRateLimit()`): its own middleware, a mount
    /// above it, a Next.js middleware whose matcher takes it, or a limiter its handler calls.
    pub limiter: Option<String>,
    #[serde(skip)]
    pub span: Span,
    #[serde(skip)]
    pub file_id: FileId,
}

impl Project {
    /// Every route of the app, in file order; built once.
    pub fn route_table(&self) -> &[RouteRow] {
        self.route_table.get_or_init(|| self.build_route_table())
    }

    fn build_route_table(&self) -> Vec<RouteRow> {
        let global = self.global_limiters();
        let index = self.python_mounts();
        let settings = self.django_settings();
        let subclasses = self.python_subclasses();
        let mut rows = Vec::new();
        for (file, facts) in self.files() {
            for route in &facts.routes {
                // A Django view serves requests only where a urlconf or a router mounts it: the
                // view itself, or the subclasses that inherit the method (`UnifiedSearchViewSet`
                // of a project's `DocumentViewSet`).
                let view = matches!(route.on, Value::Class(_) | Value::Function(_));
                let served: Vec<(FileId, Route)> = match (&route.on, route.framework) {
                    (Value::Class(class), Framework::Django) => self
                        .serving_classes(file, *class, route, &subclasses)
                        .into_iter()
                        .filter(|&(at, class)| self.mount_of(at, &Value::Class(class), &index).is_some())
                        .map(|(at, class)| (at, Route { on: Value::Class(class), ..route.clone() }))
                        .collect(),
                    (_, Framework::Django) if view && self.mount_of(file, &route.on, &index).is_none() => Vec::new(),
                    _ => vec![(file, route.clone())],
                };
                for (at, served) in served {
                    let (prefix, mounted_limiter) = self.mounted_under(at, &served, &index);
                    let path = join_paths(&prefix, &route.path);
                    let mounted_limiter = mounted_limiter.or_else(|| self.django_limiter(at, &served, &settings));
                    rows.push(self.row(file, route, path, mounted_limiter, &global, (file, route.span)));
                }
            }
            // `export * from '../v1/links/route'`: the same handlers served at this file's path.
            for mount in facts.mounts.iter().filter(|mount| mount.framework == Framework::NextAppRouter) {
                let Some(Value::Import { module, .. }) = mount.handlers.first() else { continue };
                let Some(target) = self.resolve_module(file, module) else { continue };
                for route in self.file(target).routes.iter().filter(|r| r.framework == Framework::NextAppRouter) {
                    rows.push(self.row(target, route, mount.prefix.clone(), None, &global, (file, mount.span)));
                }
            }
        }
        rows
    }

    /// The row of `route` (declared in `file`) served at `path`, reported at `at`.
    fn row(
        &self,
        file: FileId,
        route: &Route,
        path: String,
        mounted_limiter: Option<String>,
        global: &[(String, String)],
        at: (FileId, Span),
    ) -> RouteRow {
        let handler = self.function_of(file, &route.handler);
        let limiter = route
            .middleware
            .iter()
            .chain(std::iter::once(&route.handler))
            .find_map(|value| self.limiter_of(file, value).or_else(|| self.limiter_wrapper(file, value)))
            .or(mounted_limiter)
            .or_else(|| global.iter().find(|(matcher, _)| matches(matcher, &path)).map(|(_, l)| l.clone()))
            .or_else(|| handler.and_then(|handler| self.limiter_called_by(handler, 0)))
            .or_else(|| self.auth_config_limiter(file, route, &path));
        // A Python package as Python spells it (`rest_framework.throttling`).
        let limiter = match self.file(file).path.ends_with(".py") {
            true => limiter.map(|limiter| limiter.replace('/', ".")),
            false => limiter,
        };
        let (at_file, span) = at;
        RouteRow {
            framework: route.framework,
            method: route.method.clone(),
            path,
            file: self.file(at_file).path.clone(),
            line: span.line,
            handler,
            handler_name: handler
                .map(|handler| self.function_name(handler).to_owned())
                .filter(|name| !name.starts_with('<')),
            limiter,
            span,
            file_id: at_file,
        }
    }

    /// The prefix a route is mounted under and a limiter mounted in front of it.
    fn mounted_under(&self, file: FileId, route: &Route, index: &MountIndex) -> (String, Option<String>) {
        if route.on == Value::Unknown {
            return (String::new(), None);
        }
        self.placement(file, &route.on, &route.path, index, 0)
    }

    /// Where the app or router `on` of `file` sits: the prefix above it, and a limiter mounted in
    /// front of `path` (a path below `on`) on the way up: on `on` itself (`app.use(limiter)`,
    /// `app.use('/auth', limiter)`), in the mount of `on` (`app.use('/api', limiter, router)`),
    /// or above that, through nested routers and across files.
    fn placement(
        &self,
        file: FileId,
        on: &Value,
        path: &str,
        index: &MountIndex,
        depth: u32,
    ) -> (String, Option<String>) {
        let here = self.limiter_mounted_on(file, on, path);
        if depth > 4 {
            return (String::new(), here);
        }
        let Some((other, mount)) = self.mount_of(file, on, index) else { return (String::new(), here) };
        let below = join_paths(&mount.prefix, path);
        let (above, limiter_above) = self.placement(other, &mount.on, &below, index, depth + 1);
        let in_mount = mount.handlers.iter().find_map(|handler| self.limiter_of(other, handler));
        (join_paths(&above, &mount.prefix), here.or(in_mount).or(limiter_above))
    }

    /// A limiter mounted on `on` for every path, or for a prefix of `path`.
    fn limiter_mounted_on(&self, file: FileId, on: &Value, path: &str) -> Option<String> {
        self.file(file)
            .mounts
            .iter()
            .filter(|mount| mount.on == *on)
            .filter(|mount| mount.prefix.is_empty() || matches(&mount.prefix, path))
            .find_map(|mount| mount.handlers.iter().find_map(|handler| self.limiter_of(file, handler)))
    }

    /// The mount that mounts `on` (an app or router of `file`): in the same file, or in another
    /// that imports it (`import { authRouter }`, `require('./routes/auth')`); in Python, any
    /// mount whose handler is the same definition (`include('shop.urls')`, `views.login`).
    fn mount_of(&self, file: FileId, on: &Value, index: &MountIndex) -> Option<(FileId, &crate::Mount)> {
        let facts = self.file(file);
        if facts.path.ends_with(".py") {
            let definition = self.definition(file, on, 0)?;
            let &(other, mount) = index.get(&definition)?.first()?;
            return Some((other, &self.file(other).mounts[mount]));
        }
        let exported: Vec<&str> =
            facts.exports.iter().filter(|export| export.value == *on).map(|export| export.name.as_str()).collect();
        let same_file = facts
            .mounts
            .iter()
            .find(|mount| mount.on != *on && mount.handlers.iter().any(|handler| handler == on))
            .map(|mount| (file, mount));
        same_file.or_else(|| {
            if exported.is_empty() {
                return None;
            }
            self.files().find_map(|(other, other_facts)| {
                let mount = other_facts.mounts.iter().find(|mount| {
                    mount.handlers.iter().any(|handler| match handler {
                        Value::Import { module, name } => {
                            self.resolve_module(other, module) == Some(file)
                                && match name {
                                    ImportedName::Default => exported.contains(&"default"),
                                    ImportedName::Named(name) => exported.contains(&name.as_str()),
                                    // `require('./routes/auth')` of `module.exports = router`.
                                    ImportedName::Namespace => facts.commonjs && exported.contains(&"default"),
                                }
                        }
                        _ => false,
                    })
                })?;
                Some((other, mount))
            })
        })
    }

    /// Python mounts by the definitions they mount; the throttle lists of view classes and the
    /// settings, which mount nothing, are left out.
    fn python_mounts(&self) -> MountIndex {
        let mut index = MountIndex::default();
        for (file, facts) in self.files().filter(|(_, facts)| facts.path.ends_with(".py")) {
            for (at, mount) in facts.mounts.iter().enumerate() {
                if !matches!(mount.on, Value::Import { .. }) {
                    continue;
                }
                for handler in &mount.handlers {
                    if let Some(definition) = self.definition(file, handler, 0) {
                        index.entry(definition).or_default().push((file, at));
                    }
                }
            }
        }
        index
    }

    /// The classes that extend each class of a Python file, by the class they extend.
    fn python_subclasses(&self) -> FxHashMap<(FileId, ClassId), Vec<(FileId, ClassId)>> {
        let mut subclasses: FxHashMap<(FileId, ClassId), Vec<(FileId, ClassId)>> = FxHashMap::default();
        for (file, facts) in self.files().filter(|(_, facts)| facts.path.ends_with(".py")) {
            for (class, facts) in facts.classes.iter().enumerate() {
                if let Some(base) = self.class_of(file, &facts.extends) {
                    subclasses.entry(base).or_default().push((file, class as ClassId));
                }
            }
        }
        subclasses
    }

    /// The view class that declares `route` and its subclasses (three levels down) that do not
    /// define the route's method again: each serves the route where it is mounted.
    fn serving_classes(
        &self,
        file: FileId,
        class: ClassId,
        route: &Route,
        subclasses: &FxHashMap<(FileId, ClassId), Vec<(FileId, ClassId)>>,
    ) -> Vec<(FileId, ClassId)> {
        let method = self.function_of(file, &route.handler).map(|handler| {
            let name = self.function_name(handler);
            name.rsplit('.').next().unwrap_or(name).to_owned()
        });
        let mut found = vec![(file, class)];
        let mut frontier = vec![(file, class)];
        for _ in 0..3 {
            let below: Vec<(FileId, ClassId)> = frontier
                .iter()
                .flat_map(|base| subclasses.get(base).into_iter().flatten().copied())
                .filter(|&(at, class)| {
                    let methods = &self.file(at).classes[class as usize].methods;
                    !found.contains(&(at, class)) && !methods.iter().any(|(name, _)| Some(name) == method.as_ref())
                })
                .collect();
            found.extend(below.iter().copied());
            frontier = below;
        }
        found
    }

    /// What a Python value stands for, through imports and the re-exports of `__init__.py`:
    /// `views.login` of `from shop import views` is the function `login` of `shop/views.py`.
    fn definition(&self, file: FileId, value: &Value, depth: u32) -> Option<Definition> {
        if depth > MAX_DEPTH {
            return None;
        }
        match value {
            Value::Class(id) => Some(Definition::Class(file, *id)),
            Value::Function(id) => Some(Definition::Function(FnRef { file, id: *id })),
            Value::Import { module, name: ImportedName::Namespace } => match self.resolve_module(file, module) {
                Some(target) => Some(Definition::Module(target)),
                None => {
                    let (package, name) = self.package_binding(file, module, &ImportedName::Namespace)?;
                    self.definition_in(package, name, depth + 1)
                }
            },
            Value::Import { module, name: ImportedName::Named(name) } => match self.resolve_module(file, module) {
                Some(target) => self.definition_in(target, name, depth),
                // `from shop import views`: a module of the package.
                None => {
                    let separator = if module.starts_with('.') { "/" } else { "." };
                    self.resolve_module(file, &format!("{module}{separator}{name}")).map(Definition::Module)
                }
            },
            // `views.login`, `auth.router` of a module.
            Value::Member(object, name) => match self.definition(file, object, depth + 1)? {
                Definition::Module(target) => self.definition_in(target, name, depth),
                _ => None,
            },
            _ => None,
        }
    }

    /// What module `file` binds to `name`: a class, a function, what it imports under that
    /// name, or, for a package, its module of that name.
    fn definition_in(&self, file: FileId, name: &str, depth: u32) -> Option<Definition> {
        match self.file(file).exports.iter().find(|export| export.name == name).map(|export| &export.value) {
            Some(Value::Class(id)) => Some(Definition::Class(file, *id)),
            Some(Value::Function(id)) => Some(Definition::Function(FnRef { file, id: *id })),
            Some(value @ Value::Import { .. }) => self.definition(file, value, depth + 1),
            Some(_) => Some(Definition::Binding(file, name.to_owned())),
            // A module of the package.
            None if self.file(file).path.ends_with("__init__.py") => {
                let submodule = Value::Import { module: format!("./{name}"), name: ImportedName::Namespace };
                self.definition(file, &submodule, depth + 1)
            }
            None => None,
        }
    }

    /// The throttles every DRF view gets unless it sets its own (`DEFAULT_THROTTLE_CLASSES`), and
    /// a login lockout (django-axes in `INSTALLED_APPS`): the global mounts of the settings.
    fn django_settings(&self) -> DjangoSettings {
        let mut settings = DjangoSettings::default();
        for (file, facts) in self.files() {
            let global = facts.mounts.iter().filter(|m| m.framework == Framework::Django && m.on == Value::Unknown);
            for handler in global.flat_map(|mount| &mount.handlers) {
                if let Some(lockout) = self.package_among(file, handler, LOGIN_LOCKOUT_PACKAGES) {
                    settings.lockout.get_or_insert(lockout);
                } else if let Some(limiter) = self.limiter_of(file, handler) {
                    settings.default_throttle.get_or_insert(limiter);
                }
            }
        }
        settings
    }

    /// The limiter Django puts in front of a view: the `throttle_classes` its class or the
    /// nearest base sets (an empty list takes the defaults off), else the default throttles for a
    /// DRF view; the login lockout for a view that checks a password.
    fn django_limiter(&self, file: FileId, route: &Route, settings: &DjangoSettings) -> Option<String> {
        if route.framework != Framework::Django {
            return None;
        }
        let (throttles, drf_class) = self.view_throttles(file, &route.on);
        // `@api_view([...])`: a DRF function view.
        let drf = drf_class
            || route.middleware.iter().any(|value| self.package_among(file, value, &["rest_framework"]).is_some());
        let throttled = match throttles {
            Some(throttles) => throttles,
            None if drf => settings.default_throttle.clone(),
            None => None,
        };
        throttled.or_else(|| {
            let lockout = settings.lockout.as_ref()?;
            let handler = self.function_of(file, &route.handler)?;
            let authenticates = |module: &str, path: &[String]| {
                (in_package(module, "django/contrib") && path.last().is_some_and(|name| name == "authenticate"))
                    .then(String::new)
            };
            self.call_made_by(handler, 0, &authenticates).map(|_| lockout.clone())
        })
    }

    /// The throttles a view class sets, its own or the nearest base's (`Some(None)` for an empty
    /// `throttle_classes`), and whether it is a DRF view (its bases end in `rest_framework`).
    fn view_throttles(&self, file: FileId, on: &Value) -> (Option<Option<String>>, bool) {
        let Some((mut file, mut class)) = self.class_of(file, on) else { return (None, false) };
        let mut throttles = None;
        for _ in 0..MAX_DEPTH {
            let facts = self.file(file);
            if throttles.is_none()
                && let Some(mount) =
                    facts.mounts.iter().find(|m| m.framework == Framework::Django && m.on == Value::Class(class))
            {
                throttles = Some(mount.handlers.iter().find_map(|handler| self.limiter_of(file, handler)));
            }
            let extends = &facts.classes[class as usize].extends;
            match self.class_of(file, extends) {
                Some(base) => (file, class) = base,
                None => return (throttles, self.package_among(file, extends, &["rest_framework"]).is_some()),
            }
        }
        (throttles, false)
    }

    /// The package a module specifier names, as package lists spell it: `/`-separated, so that a
    /// Python module (`rest_framework.throttling`) is in its package (`rest_framework`) the way an
    /// npm subpath is, while an npm name with a dot (`chart.js`) stays whole.
    pub fn package_path(&self, file: FileId, module: &str) -> String {
        if self.file(file).path.ends_with(".py") {
            module.replace('.', "/")
        } else {
            crate::packages::package_name(module).into_owned()
        }
    }

    /// A wrapper or middleware of the app named like a limiter: `withRateLimit(handler)`,
    /// `rateLimitMiddleware`.
    fn limiter_wrapper(&self, file: FileId, value: &Value) -> Option<String> {
        let callee = match value {
            Value::Call(inner) | Value::Wrap(inner, _) => &**inner,
            other => other,
        };
        let function = self.function_of(file, callee)?;
        let name = self.function_name(function);
        is_limiter_name(name).then(|| format!("{name}()"))
    }

    /// Limiters in front of every route whose path a matcher takes: a Next.js middleware (each of
    /// its matchers with the limiter it calls) and a NestJS global guard (`APP_GUARD`, every path).
    fn global_limiters(&self) -> Vec<(String, String)> {
        let mut found = Vec::new();
        for (file, facts) in self.files() {
            let global = |mount: &&crate::Mount| {
                mount.framework == Framework::NextMiddleware
                    || (mount.framework == Framework::NestJs && mount.on == Value::Unknown)
            };
            for mount in facts.mounts.iter().filter(global) {
                let limiter = mount.handlers.iter().find_map(|handler| {
                    self.limiter_of(file, handler)
                        .or_else(|| self.function_of(file, handler).and_then(|f| self.limiter_called_by(f, 0)))
                });
                if let Some(limiter) = limiter {
                    found.push((mount.prefix.clone(), limiter));
                }
            }
        }
        found
    }

    /// A limiter in NextAuth's configuration: `NextAuth(authOptions)` handles the
    /// `[...nextauth]` route, and the callbacks of the options (a credentials provider's
    /// `authorize`) run on its requests. Looked for in the functions of the route's file, of the
    /// file its handler comes from, and of the files the options are imported from.
    fn auth_config_limiter(&self, file: FileId, route: &Route, path: &str) -> Option<String> {
        if !path.contains("[...nextauth]") {
            return None;
        }
        let mut files = vec![file];
        let imported = |value: &Value| match value {
            Value::Import { module, .. } => self.resolve_module(file, module),
            _ => None,
        };
        files.extend(imported(&route.handler));
        let mut at = 0;
        while at < files.len() && files.len() < 8 {
            let here = files[at];
            for call in &self.file(here).calls {
                let made_by_nextauth = self
                    .package_origin(here, &call.callee, 0)
                    .is_some_and(|(module, _)| in_package(&module, "next-auth"));
                if !made_by_nextauth {
                    continue;
                }
                for argument in &call.args {
                    // The file that defines the options, through `export *` barrels.
                    if let Value::Import { module, name } = argument
                        && let Some(target) = self.resolve_module(here, module)
                    {
                        let defined = match name {
                            ImportedName::Named(name) => self.export_value(target, name, 0).map(|(file, _)| file),
                            _ => Some(target),
                        };
                        if let Some(options) = defined.filter(|options| !files.contains(options)) {
                            files.push(options);
                        }
                    }
                }
            }
            at += 1;
        }
        files.into_iter().find_map(|file| {
            (0..self.file(file).functions.len() as u32).find_map(|id| self.limiter_called_by(FnRef { file, id }, 1))
        })
    }

    /// The function a handler value is, when the project defines it.
    pub fn function_of(&self, file: FileId, value: &Value) -> Option<FnRef> {
        match self.resolve(file, value) {
            crate::Resolved::Function(function) | crate::Resolved::Wrapped(function) => Some(function),
            _ => match value {
                Value::Function(id) => Some(FnRef { file, id: *id }),
                Value::Wrap(_, id) => Some(FnRef { file, id: *id }),
                _ => None,
            },
        }
    }

    /// The limiter package a middleware value comes from (`rateLimit({...})`, an imported
    /// `authLimiter`, `ThrottlerGuard`), following imports through the project's files.
    fn limiter_of(&self, file: FileId, value: &Value) -> Option<String> {
        self.package_among(file, value, LIMITER_PACKAGES).or_else(|| self.limiter_base(file, value))
    }

    /// The limiter a class of the app extends: a DRF throttle of the app
    /// (`class AuthenticationThrottle(AnonRateThrottle)`), a guard extending `ThrottlerGuard`.
    fn limiter_base(&self, file: FileId, value: &Value) -> Option<String> {
        // `ApiKeyRateThrottle()`: an instance of the class.
        let class = match value {
            Value::Call(class) | Value::Instance(class) => class,
            class => class,
        };
        let (mut file, mut class) = self.class_of(file, class)?;
        for _ in 0..MAX_DEPTH {
            let extends = &self.file(file).classes[class as usize].extends;
            if let Some(limiter) = self.package_among(file, extends, LIMITER_PACKAGES) {
                return Some(limiter);
            }
            (file, class) = self.class_of(file, extends)?;
        }
        None
    }

    /// Which of `packages` (or a subpath of one) a value comes from.
    pub fn package_among(&self, file: FileId, value: &Value, packages: &[&str]) -> Option<String> {
        let (module, _) = self.package_origin(file, value, 0)?;
        packages.iter().find(|package| in_package(&module, package)).map(|package| (*package).to_owned())
    }

    /// A limiter called by `function` or the functions it calls: `await ratelimit.limit(ip)`, or a
    /// function of the app named like one (`applyRateLimit`, `checkRateLimit`, `throttle`), the
    /// hand-written token bucket that counts requests in a store.
    fn limiter_called_by(&self, function: FnRef, depth: u32) -> Option<String> {
        self.package_called_by(function, LIMITER_PACKAGES, depth).map(|(package, _, _)| package).or_else(|| {
            self.functions_within(function, 3)
                .into_iter()
                .map(|function| self.function_name(function))
                .find(|name| is_limiter_name(name))
                .map(|name| format!("{name}()"))
        })
    }

    /// A call, by `function` or the functions it calls (two calls deep), of something made by one
    /// of `packages`: the package, and the file and place of that call.
    pub fn package_called_by(&self, function: FnRef, packages: &[&str], depth: u32) -> Option<(String, FileId, Span)> {
        self.call_made_by(function, depth, &|module, _| {
            packages.iter().find(|package| in_package(module, package)).map(|package| (*package).to_owned())
        })
    }

    /// A call, by `function` or the functions it calls (two calls deep), whose callee comes from a
    /// package that `accept` names, given the module and the member path below its export.
    pub fn call_made_by(
        &self,
        function: FnRef,
        depth: u32,
        accept: &dyn Fn(&str, &[String]) -> Option<String>,
    ) -> Option<(String, FileId, Span)> {
        if depth > 2 {
            return None;
        }
        let items = self.items(function)?;
        let facts = self.file(function.file);
        items.calls.iter().find_map(|&call| {
            let found = &facts.calls[call as usize];
            // `new OpenAI()` makes a client; calling it is what costs.
            if found.constructs {
                return None;
            }
            let accepted =
                self.package_origin(function.file, &found.callee, 0).and_then(|(module, path)| accept(&module, &path));
            match accepted {
                Some(package) => Some((package, function.file, found.span)),
                None => {
                    let target = self.call_target(function.file, call)?;
                    self.call_made_by(target, depth + 1, accept)
                }
            }
        })
    }

    /// The functions `function` runs, itself included, following calls up to `depth` deep.
    pub fn functions_within(&self, function: FnRef, depth: u32) -> Vec<FnRef> {
        let mut found = vec![function];
        let mut frontier = vec![function];
        for _ in 0..depth {
            let mut next = Vec::new();
            for function in frontier {
                let Some(items) = self.items(function) else { continue };
                for &call in &items.calls {
                    if let Some(target) = self.call_target(function.file, call)
                        && !found.contains(&target)
                    {
                        found.push(target);
                        next.push(target);
                    }
                }
            }
            frontier = next;
        }
        found
    }

    /// The value a module exports under `name`, through `export * from` barrels.
    fn export_value(&self, file: FileId, name: &str, depth: u32) -> Option<(FileId, &Value)> {
        if depth > MAX_DEPTH {
            return None;
        }
        let facts = self.file(file);
        if let Some(export) = facts.exports.iter().find(|export| export.name == name) {
            return Some((file, &export.value));
        }
        facts.export_all.iter().find_map(|module| {
            let target = self.resolve_module(file, module)?;
            self.export_value(target, name, depth + 1)
        })
    }

    /// The package a value is made from, and the member path below its export:
    /// `Call(Import { module: 'express-rate-limit', name: default })` is `express-rate-limit`.
    pub fn package_origin(&self, file: FileId, value: &Value, depth: u32) -> Option<(String, Vec<String>)> {
        self.origin(file, value, depth, true)
    }

    /// The package export a value is, itself, not something made by calling it: `Pool` of
    /// `import { Pool } from 'pg'` is `pg`'s `Pool`, and so is an app's re-export of it, but
    /// `db` of `const db = knex(config)` is no export of `knex`.
    pub fn package_export(&self, file: FileId, value: &Value) -> Option<(String, Vec<String>)> {
        self.origin(file, value, 0, false)
    }

    fn origin(&self, file: FileId, value: &Value, depth: u32, through_results: bool) -> Option<(String, Vec<String>)> {
        if depth > MAX_DEPTH {
            return None;
        }
        match value {
            Value::Import { module, name } => match self.resolve_module(file, module) {
                Some(target) => {
                    let export = match name {
                        ImportedName::Default => "default",
                        ImportedName::Named(name) => name,
                        ImportedName::Namespace => return None,
                    };
                    let (target, value) = self.export_value(target, export, depth)?;
                    self.origin(target, value, depth + 1, through_results)
                }
                None => {
                    let path = match name {
                        ImportedName::Named(name) => vec![name.clone()],
                        _ => Vec::new(),
                    };
                    Some((self.package_path(file, module), path))
                }
            },
            // `verifySignatureAppRouter(async (req) => ...)`: what the wrapper is.
            Value::Call(inner) | Value::Instance(inner) | Value::Element(inner) | Value::Wrap(inner, _)
                if through_results =>
            {
                self.origin(file, inner, depth + 1, through_results)
            }
            // `limits.authLimiter` of `import * as limits from './limits'` (or a `require`): the
            // project file's export.
            Value::Member(inner, property)
                if matches!(&**inner, Value::Import { module, name: ImportedName::Namespace }
                    if self.resolve_module(file, module).is_some()) =>
            {
                let Value::Import { module, .. } = &**inner else { return None };
                let target = self.resolve_module(file, module)?;
                let (target, value) = self.export_value(target, property, depth)?;
                self.origin(target, value, depth + 1, through_results)
            }
            Value::Member(inner, property) => {
                let (module, mut path) = self.origin(file, inner, depth + 1, through_results)?;
                path.push(property.clone());
                Some((module, path))
            }
            Value::Either(first, second) => self
                .origin(file, first, depth + 1, through_results)
                .or_else(|| self.origin(file, second, depth + 1, through_results)),
            _ => None,
        }
    }
}

/// A function of the app that limits requests, by its name: `rateLimit`, `applyIPRateLimit`,
/// `checkRateLimit`, `withRateLimit`, `throttleRequests`, `limiter`.
pub fn is_limiter_name(name: &str) -> bool {
    let name = name.rsplit('.').next().unwrap_or(name).to_ascii_lowercase().replace('_', "");
    // `isStripeRateLimitError`, `handleRateLimitError`: about a remote API's limit, not a limiter.
    (name.contains("ratelimit") || name.contains("throttle") || name.ends_with("limiter")) && !name.contains("error")
}

/// `/api` + `/users/:id`; either may be empty, and a router's `/` is its prefix.
fn join_paths(prefix: &str, path: &str) -> String {
    let prefix = prefix.trim_end_matches('/');
    let path = if prefix.is_empty() { path } else { path.trim_end_matches('/') };
    match (prefix.is_empty(), path.is_empty()) {
        (true, _) => path.to_owned(),
        (false, true) => prefix.to_owned(),
        (false, false) if path.starts_with('/') => format!("{prefix}{path}"),
        (false, false) => format!("{prefix}/{path}"),
    }
}

/// Whether a Next.js matcher takes a path: an empty matcher takes all, `/api/:path*` its prefix,
/// a pattern with a regex group is taken to match everything under its literal prefix.
fn matches(matcher: &str, path: &str) -> bool {
    let literal = matcher.split([':', '(', '*']).next().unwrap_or_default().trim_end_matches('/');
    literal.is_empty() || path == literal || path.starts_with(&format!("{literal}/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_join_with_one_slash() {
        assert_eq!(join_paths("/api/", "/users"), "/api/users");
        assert_eq!(join_paths("", "/users"), "/users");
        assert_eq!(join_paths("/api", ""), "/api");
        assert_eq!(join_paths("/orders", "/"), "/orders");
    }

    #[test]
    fn python_modules_are_in_their_package_and_npm_dotted_names_stay_whole() {
        let file = |path: &str| crate::FileFacts { path: path.to_owned(), ..crate::FileFacts::default() };
        let project = Project::new(vec![file("views.py"), file("chart.ts")], crate::ModuleResolver::default());
        let python = project.package_path(0, "rest_framework.throttling");
        assert!(in_package(&python, "rest_framework/throttling") && in_package(&python, "rest_framework"));
        assert!(!in_package(&project.package_path(1, "chart.js"), "chart"));
    }

    #[test]
    fn matchers_take_their_prefix() {
        assert!(matches("/api/:path*", "/api/login"));
        assert!(matches("", "/anything"));
        assert!(matches("/((?!_next/static).*)", "/api/login"));
        assert!(!matches("/dashboard/:path*", "/api/login"));
    }
}
