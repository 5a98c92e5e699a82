from django.contrib.auth import authenticate, login
from django.contrib.auth.models import User
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView


# Planted: nothing limits how many passwords one client can try.
class LoginView(APIView):
    permission_classes = [AllowAny]

    def post(self, request):  # expect: auth-no-rate-limit
        user = authenticate(request, username=request.data["email"], password=request.data["password"])
        if user is None:
            return Response({"error": "invalid credentials"}, status=401)
        login(request, user)
        return Response({"id": user.id})


# Clean twin: DRF's throttle limits sign-ups per client.
class SignupView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]

    def post(self, request):
        user = User.objects.create_user(username=request.data["email"], password=request.data["password"])
        return Response({"id": user.id}, status=201)
