// Where the worker runs: a Container Apps environment whose logs go to a Log Analytics workspace,
// and the worker as a container app that signs in to storage as the user-assigned identity and
// scales on the work queue's length (KEDA's azure-queue scaler, with the same identity).

param location string

param workspaceName string

param environmentName string

param appName string

@description('The worker image, e.g. myregistry.azurecr.io/ingestworker:1.')
param image string

@description('An Azure Container Registry in this resource group to pull the image from as the identity; empty for an image that needs no sign-in.')
param containerRegistryName string

param identityId string

param identityClientId string

param identityPrincipalId string

param storageAccountName string

param blobEndpoint string

param queueEndpoint string

param triggerMode string

param inputContainerName string

param acceptedContainerName string

param rejectedContainerName string

param poisonContainerName string

param stateContainerName string

param workQueueName string

param minReplicas int

param maxReplicas int

@description('Work messages per replica that the scale rule aims at.')
param messagesPerReplica int

param cpuCores string

param memory string

param otlpEndpoint string

param otlpProtocol string

param logRetentionDays int

// The worker's default port for /healthz/live and /healthz/ready (ingestWorker:http:port,
// src/IngestWorker.Storage/Options/HttpOptions.cs).
var healthPort = 8080

// AcrPull, a built-in role id (the same in every tenant).
var acrPullRoleId = '7f951dda-4ed3-4680-a7ca-43fe172d538d'

var pullsFromRegistry = !empty(containerRegistryName)

// The connection the Azure Functions way: service URIs and a managed identity instead of a
// connection string (the account accepts no keys), then where the worker works and how it finds work.
var workerSettings = [
  {
    name: 'AzureWebJobsStorage__blobServiceUri'
    value: blobEndpoint
  }
  {
    name: 'AzureWebJobsStorage__queueServiceUri'
    value: queueEndpoint
  }
  {
    name: 'AzureWebJobsStorage__credential'
    value: 'managedidentity'
  }
  {
    // Which of the app's identities to sign in as: a user-assigned one must be named.
    name: 'AzureWebJobsStorage__clientId'
    value: identityClientId
  }
  {
    name: 'ingestWorker__trigger__mode'
    value: triggerMode
  }
  {
    name: 'ingestWorker__trigger__queue'
    value: workQueueName
  }
  {
    name: 'ingestWorker__containers__input'
    value: inputContainerName
  }
  {
    name: 'ingestWorker__containers__accepted'
    value: acceptedContainerName
  }
  {
    name: 'ingestWorker__containers__rejected'
    value: rejectedContainerName
  }
  {
    name: 'ingestWorker__containers__poison'
    value: poisonContainerName
  }
  {
    name: 'ingestWorker__containers__state'
    value: stateContainerName
  }
  {
    name: 'ingestWorker__http__enabled'
    value: 'true'
  }
  {
    // The platform's probes come from outside the container; the dashboard stays off.
    name: 'ingestWorker__http__address'
    value: '0.0.0.0'
  }
  {
    name: 'ingestWorker__http__port'
    value: string(healthPort)
  }
]

// The worker exports its meter over OTLP only when an endpoint is set.
var otlpSettings = empty(otlpEndpoint)
  ? []
  : [
      {
        name: 'OTEL_EXPORTER_OTLP_ENDPOINT'
        value: otlpEndpoint
      }
      {
        name: 'OTEL_EXPORTER_OTLP_PROTOCOL'
        value: otlpProtocol
      }
    ]

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-02-01' = {
  name: workspaceName
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: logRetentionDays
  }
}

resource environment 'Microsoft.App/managedEnvironments@2025-01-01' = {
  name: environmentName
  location: location
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: workspace.properties.customerId
        sharedKey: workspace.listKeys().primarySharedKey
      }
    }
  }
}

resource registry 'Microsoft.ContainerRegistry/registries@2025-04-01' existing = if (pullsFromRegistry) {
  name: containerRegistryName
}

resource acrPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (pullsFromRegistry) {
  name: guid(registry.id, identityId, acrPullRoleId)
  scope: registry
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPullRoleId)
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource app 'Microsoft.App/containerApps@2025-01-01' = {
  name: appName
  location: location
  // The image is pulled as the identity, so the role must exist first.
  dependsOn: [
    acrPull
  ]
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    managedEnvironmentId: environment.id
    configuration: {
      activeRevisionsMode: 'Single'
      // The worker takes its work from the queue, not from requests. Internal ingress only makes
      // the health endpoints reachable from inside the environment, for a look by hand.
      ingress: {
        external: false
        targetPort: healthPort
        transport: 'http'
        allowInsecure: false
      }
      registries: pullsFromRegistry
        ? [
            {
              server: registry!.properties.loginServer
              identity: identityId
            }
          ]
        : []
    }
    template: {
      // Longer than the worker's shutdownTimeout (30 s), so that blobs in flight finish on a scale-in.
      terminationGracePeriodSeconds: 60
      containers: [
        {
          name: 'ingest-worker'
          image: image
          resources: {
            cpu: json(cpuCores)
            memory: memory
          }
          env: concat(workerSettings, otlpSettings)
          probes: [
            {
              // Loading the language model and the first look at storage take a while.
              type: 'Startup'
              httpGet: {
                path: '/healthz/live'
                port: healthPort
              }
              periodSeconds: 3
              failureThreshold: 10
            }
            {
              // Fails only when the worker's loop has ended, which a restart mends.
              type: 'Liveness'
              httpGet: {
                path: '/healthz/live'
                port: healthPort
              }
              periodSeconds: 10
              failureThreshold: 3
            }
            {
              // Storage reachable and the model loaded: a rollout waits for this.
              type: 'Readiness'
              httpGet: {
                path: '/healthz/ready'
                port: healthPort
              }
              periodSeconds: 5
              failureThreshold: 3
            }
          ]
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: [
          {
            name: 'work-queue'
            custom: {
              type: 'azure-queue'
              metadata: {
                accountName: storageAccountName
                queueName: workQueueName
                queueLength: string(messagesPerReplica)
              }
              // KEDA reads the queue length as the identity: the account takes no keys.
              identity: identityId
            }
          }
        ]
      }
    }
  }
}

output appName string = app.name
output appFqdn string = app.properties.configuration.ingress.fqdn
output environmentName string = environment.name
output workspaceCustomerId string = workspace.properties.customerId
