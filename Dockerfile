# The Rasa server: voice channel, custom NLU component and the tested model (or one
# trained at build time when none is in models/).
# Build: docker build -t helpdesk-rasa .   (docker-compose.yml does this for `rasa`)
FROM python:3.10-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    RASA_TELEMETRY_ENABLED=false \
    TF_CPP_MIN_LOG_LEVEL=2

RUN groupadd --gid 1001 rasa && useradd --uid 1001 --gid rasa --create-home rasa
WORKDIR /app

# Dependencies first: this layer is rebuilt only when the pins change.
COPY requirements.txt constraints.txt ./
RUN pip install -r requirements.txt -c constraints.txt

COPY --chown=rasa:rasa config.yml domain.yml credentials.yml endpoints.yml ./
COPY --chown=rasa:rasa channels/ channels/
COPY --chown=rasa:rasa components/ components/
# Shared with the action server (log masking and format, the metrics port, speech
# text), and helpdesk/rasa_server/: the entry point, stores and Rasa workarounds.
COPY --chown=rasa:rasa helpdesk/ helpdesk/
COPY --chown=rasa:rasa data/ data/

# The model that was tested, when the build context has one (the deploy workflow puts
# the test run's model there and requires it); otherwise one is trained here.
COPY --chown=rasa:rasa models/ models/
ARG REQUIRE_TESTED_MODEL=false
USER rasa
RUN if [ -f models/helpdesk.tar.gz ]; then echo "Shipping models/helpdesk.tar.gz as tested"; \
    elif [ "$REQUIRE_TESTED_MODEL" = true ]; then \
      echo "No tested model in models/helpdesk.tar.gz: refusing to train a new one" >&2; exit 1; \
    else python -m helpdesk.rasa_server train --fixed-model-name helpdesk --out models --quiet; fi

EXPOSE 5005
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5005/', timeout=4)"
# `rasa` with skops imported before TensorFlow (see helpdesk/rasa_server/); secrets come
# from the environment at run time, never from the image.
ENTRYPOINT ["python", "-m", "helpdesk.rasa_server"]
CMD ["run", "--port", "5005", "--model", "models/helpdesk.tar.gz", \
     "--credentials", "credentials.yml", "--endpoints", "endpoints.yml"]
