from django.contrib.auth import authenticate, login
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView


class LoginView(APIView):
    permission_classes = [AllowAny]

    def post(self, request):
        user = authenticate(request, username=request.data["email"], password=request.data["password"])
        if user is None:
            return Response({"error": "invalid credentials"}, status=401)
        login(request, user)
        return Response({"id": user.id})
