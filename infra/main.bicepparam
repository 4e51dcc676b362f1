// Parameters for main.bicep (docs/deploy.md). Names of containers and queues are left at the
// worker's defaults; set them here and the worker is told the same names.
using 'main.bicep'

// The image to run, read from the environment so that a deployment names it on purpose:
//   INGESTWORKER_IMAGE=myregistry.azurecr.io/ingestworker:1
param image = readEnvironmentVariable('INGESTWORKER_IMAGE')

// The Azure Container Registry (in this resource group) that holds it; empty for a public image.
param containerRegistryName = readEnvironmentVariable('INGESTWORKER_REGISTRY', '')

param namePrefix = 'ingestworker'

param storageSku = 'Standard_LRS'

param triggerMode = 'eventGrid'

param minReplicas = 1

param maxReplicas = 10

param messagesPerReplica = 16

// An OpenTelemetry Collector or a backend's OTLP endpoint; empty: the meter is not exported.
param otlpEndpoint = ''
