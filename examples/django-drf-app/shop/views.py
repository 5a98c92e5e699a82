from django.db import transaction
from django.http import JsonResponse
from rest_framework import generics, viewsets

from .models import Customer, Order, OrderItem, Product
from .serializers import OrderSerializer, ProductSerializer


# Planted: each listed order loads its customer and its items with two more queries.
class OrderViewSet(viewsets.ModelViewSet):  # expect: n-plus-one
    queryset = Order.objects.order_by("-created_at")
    serializer_class = OrderSerializer


# Clean twin: the rows come with their customer and items.
class RecentOrders(generics.ListAPIView):
    serializer_class = OrderSerializer

    def get_queryset(self):
        return Order.objects.select_related("customer").prefetch_related("items").order_by("-created_at")


# Planted: `order.customer` is one query per order.
def paid_customers(request):
    emails = []
    for order in Order.objects.filter(status="paid").order_by("-created_at")[:200]:
        emails.append(order.customer.email)  # expect: n-plus-one
    return JsonResponse({"emails": emails})


# Clean twin: `select_related` joins the customer in the same query.
def paid_customers_joined(request):
    orders = Order.objects.filter(status="paid").select_related("customer").order_by("-created_at")[:200]
    return JsonResponse({"emails": [order.customer.email for order in orders]})


# Planted: `sku` has no index; `slug` has one.
def product_by_sku(request):
    product = Product.objects.filter(sku=request.GET["sku"]).first()  # expect: unindexed-filter
    by_slug = Product.objects.filter(slug=request.GET["slug"]).first()
    return JsonResponse({"id": product.id if product else None, "slug": by_slug.id if by_slug else None})


# Planted: `%q%` on `description` reads every row; `title` and customers' names have trigram
# indexes (the model's `GinIndex`, and the `RunSQL` of migration 0002).
def search(request):
    q = request.GET.get("q", "")
    slow = Product.objects.filter(description__icontains=q)[:20]  # expect: leading-wildcard
    fast = Product.objects.filter(title__icontains=q)[:20]
    customers = Customer.objects.filter(name__icontains=q)[:20]
    return JsonResponse({"ids": [p.id for p in slow] + [p.id for p in fast] + [c.id for c in customers]})


# Planted: every order, on every request.
def export_orders(request):
    orders = Order.objects.all()  # expect: unbounded-read
    if request.GET.get("newest_first"):
        orders = orders.order_by("-created_at")
    return JsonResponse({"orders": [{"id": order.id, "status": order.status} for order in orders]})


# Clean twin: scoped to the customer (the foreign key's index serves it).
def my_orders(request):
    orders = Order.objects.all()
    orders = orders.filter(customer_id=request.user.customer_id)
    return JsonResponse({"orders": [order.id for order in orders]})


# Planted: one INSERT per line of the cart; clean twin below uses one `bulk_create`.
def place_order(request):
    order = Order.objects.create(customer_id=request.user.customer_id)
    for line in request.POST.getlist("lines"):
        product_id, quantity = line.split(":")
        OrderItem.objects.create(order=order, product_id=product_id, quantity=int(quantity))  # expect: query-in-loop-write
    return JsonResponse({"id": order.id})


def place_order_bulk(request):
    with transaction.atomic():
        order = Order.objects.create(customer_id=request.user.customer_id)
        rows = [
            OrderItem(order=order, product_id=line.split(":")[0], quantity=int(line.split(":")[1]))
            for line in request.POST.getlist("lines")
        ]
        OrderItem.objects.bulk_create(rows)
    return JsonResponse({"id": order.id})


# Planted: the best-sellers report filters order items by product, which no index covers.
def product_sales(request, product_id):
    sold = OrderItem.objects.filter(product_id=product_id).count()  # expect: unindexed-filter
    return JsonResponse({"sold": sold})


class ProductList(generics.ListAPIView):
    queryset = Product.objects.order_by("slug")
    serializer_class = ProductSerializer
