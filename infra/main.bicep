// IngestWorker in Azure: a keyless storage account with the worker's containers and queues, Event
// Grid putting new input blobs on the work queue, and the worker as a Container App that signs in
// with a managed identity and scales on the queue. docs/deploy.md walks through a deployment.
//
// The container and queue names default to the worker's own defaults (host.json,
// src/IngestWorker.Storage/Options/IngestWorkerOptions.cs) and are handed to the worker as
// settings, so that the account and the worker agree whatever they are set to.

targetScope = 'resourceGroup'

@description('Region of every resource.')
param location string = resourceGroup().location

@description('Short name the other resource names are made from (lowercase letters, digits and hyphens).')
@minLength(2)
@maxLength(20)
param namePrefix string = 'ingestworker'

@description('Storage account name: 3-24 lowercase letters and digits, unique in Azure.')
@minLength(3)
@maxLength(24)
param storageAccountName string = 'stingest${uniqueString(resourceGroup().id)}'

@description('Redundancy of the storage account.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param storageSku string = 'Standard_LRS'

@description('The worker image to run, e.g. myregistry.azurecr.io/ingestworker:1 (docs/deploy.md).')
param image string

@description('An Azure Container Registry in this resource group that holds the image; the worker\'s identity is given AcrPull on it. Empty for an image that needs no sign-in.')
param containerRegistryName string = ''

@description('How the worker finds work: eventGrid (events only) or queue (events, with a listing of the container as the safety net).')
@allowed([
  'eventGrid'
  'queue'
])
param triggerMode string = 'eventGrid'

@description('Where inputs are dropped.')
param inputContainerName string = 'incoming'

@description('Outcomes of accepted documents.')
param acceptedContainerName string = 'cleaned'

@description('Outcomes of rejected documents.')
param rejectedContainerName string = 'rejected'

@description('Outcomes of inputs that failed too often.')
param poisonContainerName string = 'poison'

@description('The worker\'s own bookkeeping (the shared state log, run statistics).')
param stateContainerName string = 'ingestworker-state'

@description('Events Event Grid could not deliver to the work queue.')
param deadLetterContainerName string = 'eventgrid-deadletter'

@description('The work queue; the worker\'s default is the input container\'s name with -work. Its poison queue is this name with -poison.')
@minLength(3)
@maxLength(56)
param workQueueName string = '${inputContainerName}-work'

@description('Replicas kept running with an empty queue. 0 is fine in eventGrid mode (the scale rule wakes a worker on the first message); queue mode needs 1, since its listing runs in a worker.')
@minValue(0)
@maxValue(100)
param minReplicas int = 1

@description('Most replicas the scale rule may start.')
@minValue(1)
@maxValue(100)
param maxReplicas int = 10

@description('Work messages per replica the scale rule aims at; each worker handles 16 blobs at once by default.')
@minValue(1)
param messagesPerReplica int = 16

@description('CPU cores per replica (a Container Apps size, with the memory below: 0.5/1Gi, 1.0/2Gi, 2.0/4Gi, ...).')
param cpuCores string = '1.0'

@description('Memory per replica.')
param memory string = '2Gi'

@description('OTLP receiver for the IngestWorker meter, e.g. http://otel-collector:4317; empty: no export.')
param otlpEndpoint string = ''

@description('OTLP protocol of that receiver.')
@allowed([
  'grpc'
  'http/protobuf'
])
param otlpProtocol string = 'grpc'

@description('Days the Log Analytics workspace keeps the worker\'s logs.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

var poisonQueueName = '${workQueueName}-poison'

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    accountName: storageAccountName
    location: location
    skuName: storageSku
    containerNames: [
      inputContainerName
      acceptedContainerName
      rejectedContainerName
      poisonContainerName
      stateContainerName
      deadLetterContainerName
    ]
    queueNames: [
      workQueueName
      poisonQueueName
    ]
  }
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    identityName: 'id-${namePrefix}'
    location: location
    storageAccountName: storage.outputs.accountName
  }
}

module eventGrid 'modules/eventGrid.bicep' = {
  name: 'eventGrid'
  params: {
    topicName: 'evgt-${namePrefix}'
    location: location
    storageAccountName: storage.outputs.accountName
    inputContainerName: inputContainerName
    workQueueName: workQueueName
    deadLetterContainerName: deadLetterContainerName
  }
}

module containerApp 'modules/containerApp.bicep' = {
  name: 'containerApp'
  params: {
    location: location
    workspaceName: 'log-${namePrefix}'
    environmentName: 'cae-${namePrefix}'
    appName: 'ca-${namePrefix}'
    image: image
    containerRegistryName: containerRegistryName
    identityId: identity.outputs.identityId
    identityClientId: identity.outputs.clientId
    identityPrincipalId: identity.outputs.principalId
    storageAccountName: storage.outputs.accountName
    blobEndpoint: storage.outputs.blobEndpoint
    queueEndpoint: storage.outputs.queueEndpoint
    triggerMode: triggerMode
    inputContainerName: inputContainerName
    acceptedContainerName: acceptedContainerName
    rejectedContainerName: rejectedContainerName
    poisonContainerName: poisonContainerName
    stateContainerName: stateContainerName
    workQueueName: workQueueName
    minReplicas: minReplicas
    maxReplicas: maxReplicas
    messagesPerReplica: messagesPerReplica
    cpuCores: cpuCores
    memory: memory
    otlpEndpoint: otlpEndpoint
    otlpProtocol: otlpProtocol
    logRetentionDays: logRetentionDays
  }
}

output storageAccountName string = storage.outputs.accountName
output blobEndpoint string = storage.outputs.blobEndpoint
output queueEndpoint string = storage.outputs.queueEndpoint
output inputContainerName string = inputContainerName
output workQueueName string = workQueueName
output poisonQueueName string = poisonQueueName
output identityClientId string = identity.outputs.clientId
output identityPrincipalId string = identity.outputs.principalId
output eventGridTopicName string = eventGrid.outputs.topicName
output containerAppName string = containerApp.outputs.appName
output containerAppFqdn string = containerApp.outputs.appFqdn
output logAnalyticsWorkspaceId string = containerApp.outputs.workspaceCustomerId
