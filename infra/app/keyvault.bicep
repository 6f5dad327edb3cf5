metadata description = '''Key Vault in RBAC mode with soft delete and purge protection, and its diagnostics.
No secret is created here: secret values never pass through a template. The operator sets the secrets that the
function app references (see the secretNames of api.bicep) with `az keyvault secret set` after `azd provision`.'''

@minLength(3)
@maxLength(24)
@description('Name of the key vault.')
param name string

@description('Location of the key vault.')
param location string = resourceGroup().location

@description('Tags applied to the key vault.')
param tags object = {}

@allowed([
  'Enabled'
  'Disabled'
])
@description('Whether the vault accepts traffic from public networks.')
param publicNetworkAccess string = 'Enabled'

@minValue(7)
@maxValue(90)
@description('Days that a deleted vault or secret can be recovered.')
param softDeleteRetentionInDays int = 90

@description('Resource id of the Log Analytics workspace that receives the diagnostics.')
param logAnalyticsWorkspaceId string

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    // Access is granted by Azure role assignments only; access policies are ignored.
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    enablePurgeProtection: true
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    publicNetworkAccess: publicNetworkAccess
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: publicNetworkAccess == 'Enabled' ? 'Allow' : 'Deny'
    }
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: vault
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

@description('Name of the key vault.')
output name string = vault.name

@description('Resource id of the key vault.')
output id string = vault.id

@description('URI of the key vault, ending with a slash.')
output uri string = vault.properties.vaultUri
