// Event Grid tells the workers about new blobs: a system topic on the storage account, and one
// subscription that puts each finished write to the input container on the work queue, in the
// Event Grid schema the worker reads. Shared keys are off on the account, so Event Grid delivers
// and dead-letters as the topic's own (system-assigned) identity.

param topicName string

param location string

param storageAccountName string

param inputContainerName string

param workQueueName string

@description('Blob container for events Event Grid could not deliver.')
param deadLetterContainerName string

// Built-in role ids (the same in every tenant).
var storageQueueDataMessageSenderRoleId = 'c6a89b2d-59bc-44d0-9896-0f6e12d7b80a'
var storageBlobDataContributorRoleId = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'

// A blob is written for good by one of these: a single upload, the commit of a block upload, a
// copy, or the closing flush of a Data Lake write. The other BlobCreated events (PutBlock, an
// unclosed flush) come before the content is complete.
var finalWriteApis = [
  'PutBlob'
  'PutBlockList'
  'CopyBlob'
  'FlushWithClose'
]

resource account 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageAccountName

  resource queueService 'queueServices' existing = {
    name: 'default'

    resource workQueue 'queues' existing = {
      name: workQueueName
    }
  }

  resource blobService 'blobServices' existing = {
    name: 'default'

    resource deadLetterContainer 'containers' existing = {
      name: deadLetterContainerName
    }
  }
}

resource topic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: topicName
  location: location
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    source: account.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

// The topic may send to the work queue only, and write to the dead-letter container only.
resource workQueueSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account::queueService::workQueue.id, topic.id, storageQueueDataMessageSenderRoleId)
  scope: account::queueService::workQueue
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageQueueDataMessageSenderRoleId)
    principalId: topic.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource deadLetterWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account::blobService::deadLetterContainer.id, topic.id, storageBlobDataContributorRoleId)
  scope: account::blobService::deadLetterContainer
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributorRoleId)
    principalId: topic.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource blobCreatedToWorkQueue 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
  parent: topic
  name: 'blob-created-to-work-queue'
  // Event Grid checks that it may deliver when the subscription is created, so the roles first.
  dependsOn: [
    workQueueSender
    deadLetterWriter
  ]
  properties: {
    eventDeliverySchema: 'EventGridSchema'
    filter: {
      includedEventTypes: [
        'Microsoft.Storage.BlobCreated'
      ]
      // The trailing slash keeps out a container whose name only starts with the input's.
      subjectBeginsWith: '/blobServices/default/containers/${inputContainerName}/'
      advancedFilters: [
        {
          operatorType: 'StringIn'
          key: 'data.api'
          values: finalWriteApis
        }
      ]
    }
    deliveryWithResourceIdentity: {
      identity: {
        type: 'SystemAssigned'
      }
      destination: {
        endpointType: 'StorageQueue'
        properties: {
          resourceId: account.id
          queueName: workQueueName
          // -1: never expires, like the work messages the worker sends itself; a backlog waits.
          queueMessageTimeToLiveInSeconds: -1
        }
      }
    }
    deadLetterWithResourceIdentity: {
      identity: {
        type: 'SystemAssigned'
      }
      deadLetterDestination: {
        endpointType: 'StorageBlob'
        properties: {
          resourceId: account.id
          blobContainerName: deadLetterContainerName
        }
      }
    }
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
  }
}

output topicName string = topic.name
output topicPrincipalId string = topic.identity.principalId
output subscriptionName string = blobCreatedToWorkQueue.name
