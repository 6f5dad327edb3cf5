metadata description = '''The Functions host's own storage account (AzureWebJobsStorage): the Flex Consumption deployment
package, the Event Hubs trigger's checkpoints and leases, and the Durable task hub (PipelineHub). Kept apart from the
customer-data account so that the host's constant lease and queue traffic, its retention and its access never mix with
customer data. Entra ID only (no shared keys).'''

@minLength(3)
@maxLength(24)
@description('Name of the storage account (lower-case letters and digits).')
param name string

@description('Location of the storage account.')
param location string = resourceGroup().location

@description('Tags applied to the storage account.')
param tags object = {}

@allowed([
  'Standard_LRS'
  'Standard_ZRS'
])
@description('Redundancy of the storage account (regions.bicep decides it from the location).')
param skuName string = 'Standard_ZRS'

@allowed([
  'Enabled'
  'Disabled'
])
@description('Whether the storage endpoints accept traffic from public networks (Disabled when the app is in a virtual network, network.bicep).')
param publicNetworkAccess string = 'Enabled'

@minValue(1)
@maxValue(365)
@description('Days that a deleted container can be restored.')
param containerDeleteRetentionDays int = 7

@description('Resource id of the Log Analytics workspace that receives the diagnostics.')
param logAnalyticsWorkspaceId string

@description('Name of the blob container that receives the Flex Consumption deployment package.')
param deploymentContainerName string = 'deploymentpackage'

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: publicNetworkAccess
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: publicNetworkAccess == 'Enabled' ? 'Allow' : 'Deny'
    }
    encryption: {
      keySource: 'Microsoft.Storage'
      requireInfrastructureEncryption: true
      services: {
        blob: {
          enabled: true
          keyType: 'Account'
        }
        file: {
          enabled: true
          keyType: 'Account'
        }
        queue: {
          enabled: true
          keyType: 'Account'
        }
        table: {
          enabled: true
          keyType: 'Account'
        }
      }
    }
  }
}

// No blob versioning or blob soft delete here: checkpoints and leases are rewritten every few seconds, and every
// rewrite would be kept. The deployment package is rebuilt by `azd deploy`; the Durable history is purged hourly.
resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' = {
  parent: storage
  name: 'default'
  properties: {
    containerDeleteRetentionPolicy: {
      enabled: true
      days: containerDeleteRetentionDays
    }
  }
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

// Metrics only: the host's lease renewals and queue polls would make resource logs large and costly.
resource accountDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: storage
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    metrics: [
      {
        category: 'Transaction'
        enabled: true
      }
    ]
  }
}

@description('Name of the storage account.')
output name string = storage.name

@description('Resource id of the storage account.')
output id string = storage.id

@description('Blob service endpoint.')
output blobEndpoint string = storage.properties.primaryEndpoints.blob

@description('Queue service endpoint.')
output queueEndpoint string = storage.properties.primaryEndpoints.queue

@description('Table service endpoint.')
output tableEndpoint string = storage.properties.primaryEndpoints.table

@description('Name of the container that receives the deployment package.')
output deploymentContainerName string = deploymentContainer.name
