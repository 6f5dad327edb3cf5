metadata description = '''The customer-data storage account of the pipeline (raw archive, quarantine, exports, views, audit):
Entra ID only (no shared keys), no blob versions (an erasure's rewrite must not leave the old content behind), soft delete, an immutable audit container, lifecycle retention and diagnostics.
The Functions host keeps its own state in another account (hoststorage.bicep).'''

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
  'Standard_GRS'
  'Standard_GZRS'
  'Standard_RAGRS'
  'Standard_RAGZRS'
])
@description('Redundancy of the storage account.')
param skuName string = 'Standard_ZRS'

@allowed([
  'Enabled'
  'Disabled'
])
@description('Whether the storage endpoints accept traffic from public networks (the Flex Consumption app reaches them over the internet unless it is put in a virtual network, network.bicep).')
param publicNetworkAccess string = 'Enabled'

@minValue(1)
@maxValue(365)
@description('Days that deleted or overwritten blobs and deleted containers can be restored; an erasure certificate names this window as the time by which a purged blob\'s earlier content is gone.')
param deleteRetentionDays int = 14

@minValue(1)
@description('Days after which raw archive blobs move to the cool tier.')
param rawCoolAfterDays int = 30

@minValue(1)
@description('Days after which raw archive blobs are deleted.')
param rawRetentionDays int = 365

@minValue(1)
@description('Days after which quarantined blobs are deleted.')
param quarantineRetentionDays int = 90

@minValue(1)
@description('Days after which data-subject exports are deleted.')
param exportRetentionDays int = 7

@minValue(1)
@maxValue(146000)
@description('Days that each blob of the audit container stays immutable (write once, read many) after it is written.')
param auditImmutabilityDays int = 2555

@description('Whether an operator has locked the audit container\'s retention policy. While false the template writes the (unlocked) policy; once true it leaves the policy alone, because ARM refuses to write a locked one again.')
param auditImmutabilityLocked bool = false

@description('Resource id of the Log Analytics workspace that receives the diagnostics.')
param logAnalyticsWorkspaceId string

// Exactly what the pipeline writes (functions/Serverless.Pipeline/Storage/StorageNames.cs, without a storage prefix),
// so the app's identity never has to create one at start-up. The audit container is declared on its own below: it is
// immutable. The Functions host's state (deployment package, Event Hubs checkpoints, the Durable task hub PipelineHub)
// is in the host account, not here.
var dataContainerNames = [
  'raw'
  'quarantine'
  'exports'
]

var tableNames = [
  'customers' // profiles, recent activity and the subject index, per customer
  'counters' // daily counters per tenant and event type
  'eventids' // the (tenant, event id) ledger that drops duplicates
  'webhookdeliveries' // webhook delivery ids already accepted (replay protection)
  'identities' // which customers an email or phone join key belongs to
  'suppressions' // join keys of erased people, whose events are no longer stored
  'privacyrequests' // erasure and export requests, their steps and certificates
  'workflows' // the local runtime's workflow histories; Durable keeps its own in the task hub
  'audit' // the head of each tenant's audit chain
  'reference' // tenants' lookup tables for reference-data enrichment (serverless-cli reference)
]

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

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' = {
  parent: storage
  name: 'default'
  properties: {
    // No versions: a purge rewrites blobs without the person's lines, and a version would keep the old content for as
    // long as the lifecycle allows. Soft delete keeps an overwritten blob's content for deleteRetentionDays only, which
    // the erasure certificate states; verification fails if a purged blob has versions.
    isVersioningEnabled: false
    deleteRetentionPolicy: {
      enabled: true
      days: deleteRetentionDays
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: deleteRetentionDays
    }
  }
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = [
  for containerName in dataContainerNames: {
    parent: blobService
    name: containerName
    properties: {
      publicAccess: 'None'
    }
  }
]

resource auditContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: blobService
  name: 'audit'
  properties: {
    publicAccess: 'None'
  }
}

// Time-based retention (WORM) on the audit container; append blobs may still grow, which audit logs need.
// Re-provisioning: the template writes the policy unlocked, and writing an unlocked policy again (same or other values)
// succeeds, so `azd provision` can run any number of times. Locking is an operator's step outside the template
// (`az storage container immutability-policy lock`, docs/deploy.md): a locked policy can only be extended, and ARM
// refuses to write it again. So, once locked, the operator sets AUDIT_IMMUTABILITY_LOCKED=true (auditImmutabilityLocked)
// and the template stops declaring the policy: an incremental deployment leaves the locked policy as it is.
resource auditImmutability 'Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies@2025-01-01' = if (!auditImmutabilityLocked) {
  parent: auditContainer
  name: 'default'
  properties: {
    immutabilityPeriodSinceCreationInDays: auditImmutabilityDays
    allowProtectedAppendWrites: true
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2025-01-01' = {
  parent: storage
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2025-01-01' = [
  for tableName in tableNames: {
    parent: tableService
    name: tableName
  }
]

resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2025-01-01' = {
  parent: storage
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'raw-retention'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                'raw/'
              ]
            }
            actions: {
              baseBlob: {
                tierToCool: {
                  daysAfterModificationGreaterThan: rawCoolAfterDays
                }
                delete: {
                  daysAfterModificationGreaterThan: rawRetentionDays
                }
              }
            }
          }
        }
        {
          name: 'quarantine-retention'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                'quarantine/'
              ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: quarantineRetentionDays
                }
              }
            }
          }
        }
        {
          name: 'exports-expiry'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                'exports/'
              ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: exportRetentionDays
                }
              }
            }
          }
        }
      ]
    }
  }
}

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

resource blobDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: blobService
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
        category: 'Transaction'
        enabled: true
      }
    ]
  }
}

resource tableDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: tableService
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

@description('Table service endpoint.')
output tableEndpoint string = storage.properties.primaryEndpoints.table
