metadata description = 'Event Hubs namespace (Entra ID only), the events hub and the processing consumer group, with diagnostics.'

@minLength(6)
@maxLength(50)
@description('Name of the Event Hubs namespace.')
param name string

@description('Location of the namespace.')
param location string = resourceGroup().location

@description('Tags applied to the namespace.')
param tags object = {}

@description('Name of the hub that receives the incoming events.')
param eventHubName string = 'events'

@description('Name of the consumer group that the function app reads with.')
param consumerGroupName string = 'processing'

@minValue(1)
@maxValue(32)
@description('Partitions of the hub: the most instances that process it in parallel. It cannot be lowered later.')
param partitionCount int = 8

@minValue(1)
@maxValue(7)
@description('Days that the hub keeps events, so that a stopped consumer can catch up (Standard tier allows up to 7).')
param messageRetentionInDays int = 1

@minValue(1)
@maxValue(40)
@description('Throughput units of the namespace (a Standard namespace takes up to 40).')
param capacity int = 1

@allowed([
  'Enabled'
  'Disabled'
])
@description('Whether the namespace accepts traffic from public networks.')
param publicNetworkAccess string = 'Enabled'

@description('Resource id of the Log Analytics workspace that receives the diagnostics.')
param logAnalyticsWorkspaceId string

resource namespace 'Microsoft.EventHub/namespaces@2024-01-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
    capacity: capacity
  }
  properties: {
    // Shared access signatures are refused: every client authenticates with Entra ID.
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: publicNetworkAccess
    isAutoInflateEnabled: false
  }
}

resource hub 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = {
  parent: namespace
  name: eventHubName
  properties: {
    partitionCount: partitionCount
    messageRetentionInDays: messageRetentionInDays
  }
}

resource consumerGroup 'Microsoft.EventHub/namespaces/eventhubs/consumergroups@2024-01-01' = {
  parent: hub
  name: consumerGroupName
  properties: {
    userMetadata: 'Read by the pipeline function app.'
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: namespace
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        categoryGroup: 'allLogs'
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'AllMetrics'
        enabled: true
      }
    ]
  }
}

@description('Name of the namespace.')
output namespaceName string = namespace.name

@description('Resource id of the namespace.')
output namespaceId string = namespace.id

@description('Fully qualified host name of the namespace, as identity-based Event Hubs connections expect it.')
output fullyQualifiedNamespace string = split(replace(namespace.properties.serviceBusEndpoint, 'https://', ''), ':')[0]

@description('Name of the hub.')
output eventHubName string = hub.name

@description('Name of the consumer group.')
output consumerGroupName string = consumerGroup.name
