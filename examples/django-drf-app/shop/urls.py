from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("orders", views.OrderViewSet)

urlpatterns = [
    path("", include(router.urls)),
    path("orders/recent/", views.RecentOrders.as_view()),
    path("customers/paid/", views.paid_customers),
    path("customers/paid/joined/", views.paid_customers_joined),
    path("products/by-sku/", views.product_by_sku),
    path("products/", views.ProductList.as_view()),
    path("search/", views.search),
    path("orders/export/", views.export_orders),
    path("orders/mine/", views.my_orders),
    path("orders/place/", views.place_order),
    path("orders/place/bulk/", views.place_order_bulk),
    path("products/<int:product_id>/sales/", views.product_sales),
]
