# consentrules in a container, for CI systems that run containers:
#   docker build -t consentrules .
#   docker run --rm -v "$PWD:/work" consentrules check snapshots/ -o sarif=consentrules.sarif
FROM python:3.12-slim

WORKDIR /opt/consentrules
COPY pyproject.toml README.md LICENSE ./
COPY src ./src
COPY rules ./rules
COPY plugins ./plugins
# consentrules and its bundled plugins (the adapters for flagd, Consent Mode, Fides and Open
# Terms Archive, and the GitLab reporter); git is needed to read OTA versions repositories.
RUN apt-get update \
    && apt-get install -y --no-install-recommends git \
    && rm -rf /var/lib/apt/lists/* \
    && python -m pip install --no-cache-dir . \
    && for plugin in plugins/*/; do python -m pip install --no-cache-dir "$plugin"; done

# Run as an unprivileged user; the files to check are mounted at /work.
RUN useradd --create-home --uid 10001 consentrules
USER consentrules
WORKDIR /work
ENTRYPOINT ["consentrules"]
CMD ["--help"]
