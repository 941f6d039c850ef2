FROM python:3.13-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# The translations (.mo files are build output, not committed): without them the site and the
# admin would be English only.
RUN python -m public.compile_messages
RUN DJANGO_SETTINGS_MODULE=crin_legal.settings python manage.py collectstatic --no-input
EXPOSE 8000
# granian (serve.py: workers sized for the cores; production mode, refuses a missing SECRET_KEY).
CMD ["python", "serve.py"]
