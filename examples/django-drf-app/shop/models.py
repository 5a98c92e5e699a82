from django.contrib.postgres.indexes import GinIndex
from django.db import models


class Customer(models.Model):
    email = models.EmailField(unique=True)
    name = models.CharField(max_length=200)


class Product(models.Model):
    slug = models.SlugField(db_index=True)
    sku = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    description = models.TextField()
    price_cents = models.IntegerField()

    class Meta:
        indexes = [GinIndex(fields=["title"], name="product_title_trgm", opclasses=["gin_trgm_ops"])]


class Order(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="orders")
    status = models.CharField(max_length=20, default="pending", db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)


class OrderItem(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, db_index=False)  # expect: unindexed-foreign-key
    quantity = models.IntegerField()
