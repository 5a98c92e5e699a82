//! Facts extracted from small Python sources.

use ceiling_facts::{FilterOp, ImportedName, Operation, Over, Value};

use crate::extract;

#[test]
fn a_django_query_in_a_loop() {
    let mut facts = extract(
        "shop/views.py",
        "from .models import Order, Customer\n\ndef report(request):\n    for order in Order.objects.filter(paid=True).order_by('-created'):\n        customer = Customer.objects.get(pk=order.customer_id)\n    return [c.name for c in Customer.objects.all()[:10]]\n",
    )
    .unwrap();
    // Reads of a row's attributes (`order.customer_id`) are relation candidates the project judges.
    facts.queries.retain(|q| q.shape.api != ceiling_facts::QueryApi::RecordMethod);
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
