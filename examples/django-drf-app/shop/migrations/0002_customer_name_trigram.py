from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]

    operations = [
        migrations.RunSQL("CREATE EXTENSION IF NOT EXISTS pg_trgm;", migrations.RunSQL.noop),
        migrations.RunSQL(
            sql="CREATE INDEX shop_customer_name_trgm ON shop_customer USING gin (name gin_trgm_ops);",
            reverse_sql="DROP INDEX shop_customer_name_trgm;",
        ),
    ]
