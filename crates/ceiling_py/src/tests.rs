//! Facts extracted from small Python sources.

use ceiling_facts::{FilterOp, ImportedName, Operation, Over, Value};

use crate::extract;

#[test]
fn a_django_query_in_a_loop() {
    let facts = extract(
        "shop/views.py",
        "from .models import Order, Customer\n\ndef report(request):\n    for order in Order.objects.filter(paid=True).order_by('-created'):\n        customer = Customer.objects.get(pk=order.customer_id)\n    return [c.name for c in Customer.objects.all()[:10]]\n",
    )
    .unwrap();
    let shapes: Vec<(String, Operation, bool)> = facts
        .queries
        .iter()
        .map(|q| (q.shape.model.clone().unwrap(), q.shape.operation, q.iteration.is_some()))
        .collect();
    assert_eq!(
        shapes,
        [
            ("Order".to_owned(), Operation::ReadMany, false),
            ("Customer".to_owned(), Operation::ReadOne, true),
            ("Customer".to_owned(), Operation::ReadMany, false),
        ]
    );
    assert_eq!(facts.queries[0].shape.sorts, ["created"]);
    assert_eq!(facts.queries[1].shape.filters[0].column, "id");
    assert_eq!(facts.queries[1].shape.filters[0].op, FilterOp::Equals);
    assert!(facts.queries[2].shape.bounded, "a slice limits the rows");
    assert_eq!(
        facts.queries[0].receiver,
        Value::Import { module: "./models".to_owned(), name: ImportedName::Named("Order".to_owned()) }
    );
    let loop_ = &facts.iterations[facts.queries[1].iteration.unwrap() as usize];
    assert_eq!(loop_.over, Over::Collection);
}

#[test]
fn models_and_their_base() {
    let facts = extract(
        "shop/models.py",
        "from django.db import models\n\nclass Order(models.Model):\n    paid = models.BooleanField()\n\n    def total(self):\n        return self.items.count()\n",
    )
    .unwrap();
    assert_eq!(facts.classes[0].name, "Order");
    assert_eq!(
        facts.classes[0].extends,
        Value::Member(
            Box::new(Value::Import { module: "django.db".to_owned(), name: ImportedName::Named("models".to_owned()) }),
            "Model".to_owned()
        )
    );
    assert_eq!(facts.classes[0].methods[0].0, "total");
    assert!(facts.exports.iter().any(|export| export.name == "Order"));
}

#[test]
fn syntax_errors_skip_the_file() {
    assert!(extract("broken.py", "def f(:\n").is_err());
}

#[test]
fn django_models_become_tables_with_their_indexes() {
    use ceiling_facts::IndexKind;
    let facts = extract(
        "shop/models.py",
        "from django.db import models\n\nclass Customer(models.Model):\n    email = models.EmailField(unique=True)\n    city = models.CharField(max_length=50)\n\n    class Meta:\n        db_table = 'customers'\n        unique_together = ('city', 'email')\n\nclass Order(models.Model):\n    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)\n    note = models.TextField()\n    legacy = models.ForeignKey('Customer', on_delete=models.CASCADE, db_index=False, related_name='+')\n\n    class Meta:\n        indexes = [models.Index(fields=['-note'])]\n\nclass Base(models.Model):\n    class Meta:\n        abstract = True\n",
    )
    .unwrap();
    let names: Vec<&str> = facts.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["customers", "shop_order"]);
    let order = &facts.tables[1];
    let column = order.column("customer").unwrap();
    assert_eq!(column.name, "customer_id");
    assert_eq!(order.indexes.len(), 3, "the foreign key, Meta.indexes and the primary key");
    assert!(order.index_leading_with("customer_id").is_some());
    assert!(order.index_leading_with("note").is_some(), "`-note` sorts descending on `note`");
    assert!(order.index_leading_with("legacy_id").is_none(), "db_index=False");
    assert_eq!(order.foreign_keys[0].references_table, "customers");
    assert!(facts.tables[0].indexes.iter().any(|index| index.kind == IndexKind::Unique && index.keys.len() == 2));
}

#[test]
fn prefetch_objects_load_their_lookup_and_what_their_queryset_loads() {
    let facts = extract(
        "notes/views.py",
        "from django.db.models import Prefetch\nfrom .models import Note, Reaction\n\ndef f():\n    return Note.objects.prefetch_related(Prefetch('reactions', queryset=Reaction.objects.select_related('actor')))\n",
    )
    .unwrap();
    let note = facts.queries.iter().find(|q| q.shape.model.as_deref() == Some("Note")).unwrap();
    assert_eq!(note.shape.includes, ["reactions", "reactions__actor"]);
}

fn endpoints(routes: &[ceiling_facts::Route]) -> Vec<(String, String)> {
    routes.iter().map(|route| (route.method.clone(), route.path.clone())).collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected.iter().map(|(method, path)| ((*method).to_owned(), (*path).to_owned())).collect()
}

#[test]
fn django_urlconfs_mount_views_and_other_urlconfs() {
    let facts = extract(
        "mysite/urls.py",
        "from django.urls import include, path, re_path\nfrom accounts import views\nfrom notes.views import NoteView\n\nurlpatterns = [\n    path('login/', views.login_view),\n    re_path(r'^api/', include('api.urls')),\n    path('notes/', NoteView.as_view()),\n    path('v2/', include([path('ping/', views.ping)])),\n]\n",
    )
    .unwrap();
    let urlconf = Value::Import { module: "./urls".to_owned(), name: ImportedName::Namespace };
    assert!(facts.mounts.iter().all(|mount| mount.on == urlconf));
    let prefixes: Vec<&str> = facts.mounts.iter().map(|mount| mount.prefix.as_str()).collect();
    assert_eq!(prefixes, ["/login/", "/api/", "/notes/", "/v2/ping/"]);
    assert_eq!(
        facts.mounts[1].handlers,
        [Value::Import { module: "api.urls".to_owned(), name: ImportedName::Namespace }]
    );
    assert_eq!(
        facts.mounts[2].handlers,
        [Value::Import { module: "notes.views".to_owned(), name: ImportedName::Named("NoteView".to_owned()) }]
    );
}

#[test]
fn django_views_declare_their_routes_and_throttles() {
    let facts = extract(
        "accounts/views.py",
        "from django.views.decorators.http import require_POST\nfrom django_ratelimit.decorators import ratelimit\nfrom rest_framework import viewsets\nfrom rest_framework.decorators import action\nfrom rest_framework.generics import ListCreateAPIView\nfrom rest_framework.throttling import AnonRateThrottle\nfrom rest_framework.views import APIView\n\n@require_POST\n@ratelimit(key='ip', rate='5/m')\ndef login_view(request):\n    pass\n\nclass SignUp(APIView):\n    throttle_classes = [AnonRateThrottle]\n\n    def post(self, request):\n        pass\n\n    def helper(self):\n        pass\n\nclass Notes(ListCreateAPIView):\n    pass\n\nclass Auth(viewsets.ViewSet):\n    def create(self, request):\n        pass\n\n    @action(detail=True, methods=['post'], url_path='reset')\n    def reset_password(self, request, pk=None):\n        pass\n",
    )
    .unwrap();
    assert_eq!(
        endpoints(&facts.routes),
        pairs(&[("POST", ""), ("POST", ""), ("GET", ""), ("POST", ""), ("POST", ""), ("POST", "/{pk}/reset")])
    );
    let login = &facts.routes[0];
    assert_eq!(login.on, login.handler, "a function view is mounted as itself");
    assert!(
        matches!(&login.middleware[0], Value::Call(callee) if matches!(&**callee, Value::Import { module, .. } if module == "django_ratelimit.decorators"))
    );
    let throttles = facts.mounts.iter().find(|mount| mount.on == facts.routes[1].on).unwrap();
    assert_eq!(
        throttles.handlers,
        [Value::Import {
            module: "rest_framework.throttling".to_owned(),
            name: ImportedName::Named("AnonRateThrottle".to_owned())
        }]
    );
    assert!(facts.routes[2].handler.is_unknown(), "a generic view's GET is DRF's own method");
}

#[test]
fn fastapi_and_flask_routes_with_their_routers_and_dependencies() {
    let fastapi = extract(
        "app/routers/auth.py",
        "from fastapi import APIRouter, Depends\nfrom fastapi_limiter.depends import RateLimiter\n\nrouter = APIRouter(prefix='/auth')\n\n@router.post('/login', dependencies=[Depends(RateLimiter(times=5, seconds=60))])\nasync def login(db=Depends(get_db)):\n    pass\n\n@router.api_route('/otp', methods=['GET', 'POST'])\nasync def otp():\n    pass\n",
    )
    .unwrap();
    assert_eq!(
        endpoints(&fastapi.routes),
        pairs(&[("POST", "/auth/login"), ("GET", "/auth/otp"), ("POST", "/auth/otp")])
    );
    let router = Value::Import { module: "./auth".to_owned(), name: ImportedName::Named("router".to_owned()) };
    assert_eq!(fastapi.routes[0].on, router);
    assert_eq!(fastapi.routes[0].middleware.len(), 1, "the decorator's dependency; `get_db` is not bound here");

    let flask = extract(
        "app.py",
        "from flask import Flask\nfrom auth import bp\n\napp = Flask(__name__)\napp.register_blueprint(bp, url_prefix='/auth')\n\n@app.route('/login', methods=['POST'])\ndef login():\n    pass\n\napp.add_url_rule('/logout', view_func=login, methods=['POST'])\n",
    )
    .unwrap();
    assert_eq!(endpoints(&flask.routes), pairs(&[("POST", "/login"), ("POST", "/logout")]));
    assert_eq!(flask.mounts[0].prefix, "/auth");
    assert_eq!(
        flask.mounts[0].handlers,
        [Value::Import { module: "auth".to_owned(), name: ImportedName::Named("bp".to_owned()) }]
    );
}

#[test]
fn settings_mount_default_throttles_and_axes_globally() {
    let facts = extract(
        "mysite/settings.py",
        "INSTALLED_APPS = ['django.contrib.auth'] + ['axes']\nREST_FRAMEWORK = {'DEFAULT_THROTTLE_CLASSES': ('rest_framework.throttling.AnonRateThrottle',)}\n",
    )
    .unwrap();
    assert!(facts.mounts.iter().all(|mount| mount.on.is_unknown()));
    assert_eq!(facts.mounts[0].handlers, [Value::Import { module: "axes".to_owned(), name: ImportedName::Namespace }]);
    assert_eq!(
        facts.mounts[1].handlers,
        [Value::Import {
            module: "rest_framework.throttling".to_owned(),
            name: ImportedName::Named("AnonRateThrottle".to_owned())
        }]
    );
}
