//! Generates the rule registry from the files under `src/rules/<family>/<rule>.rs`, so that adding
//! a rule is adding its file: there is no list to keep in step.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let rules_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules");
    println!("cargo:rerun-if-changed={}", rules_dir.display());
    let mut rules = Vec::new();
    let mut families: Vec<_> = std::fs::read_dir(&rules_dir)
        .expect("src/rules exists")
        .map(|entry| entry.expect("readable").path())
        .filter(|path| path.is_dir())
        .collect();
    families.sort();
    for family in families {
        println!("cargo:rerun-if-changed={}", family.display());
        let mut files: Vec<_> = std::fs::read_dir(&family)
            .expect("family dir is readable")
            .map(|entry| entry.expect("readable").path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
            .collect();
        files.sort();
        for file in files {
            let module = file.file_stem().unwrap().to_string_lossy().into_owned();
            rules.push((module, file));
        }
    }
    let mut code = String::new();
    for (module, path) in &rules {
        writeln!(code, "#[path = {:?}]\nmod {module};", path.display().to_string()).unwrap();
    }
    code.push_str("\n/// Every rule, in the order of their files.\npub static RULES: &[&Rule] = &[\n");
    for (module, _) in &rules {
        writeln!(code, "    &{module}::RULE,").unwrap();
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("registry.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}
