targetScope = 'subscription'

metadata description = '''Serverless customer-data pipeline: a Flex Consumption function app reading Event Hubs and writing
Blob and Table storage, with Key Vault, monitoring and alerts. Every connection is identity-based; nothing here
holds or outputs a key. Deployed by `azd up`.'''

import { webhookSecretReference } from './app/api.bicep'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; it names the resource group and seeds the unique resource token.')
param environmentName string

@minLength(1)
@description('Primary location of every resource.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of the deploying user (azd passes AZURE_PRINCIPAL_ID). It gets data roles to run locally and to set the secrets; empty for none.')
param principalId string = ''

@description('Email address that receives the alerts; empty for none.')
param alertEmailAddress string = ''

@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
  'Standard_RAGRS'
  'Standard_RAGZRS'
])
@description('Redundancy of the storage account.')
param storageSkuName string = 'Standard_ZRS'

@minValue(1)
@maxValue(32)
@description('Partitions of the events hub.')
param eventHubPartitionCount int = 8

@minValue(1)
@maxValue(7)
@description('Days that the events hub keeps events.')
param eventHubMessageRetentionInDays int = 7

@minValue(1)
@maxValue(40)
@description('Throughput units of the Event Hubs namespace (each 1 MB/s or 1,000 events/s in); docs/capacity.md sizes them.')
param eventHubThroughputUnits int = 1

@minValue(40)
@maxValue(1000)
@description('Most instances the function app scales out to.')
param maximumInstanceCount int = 100

@allowed([
  512
  2048
  4096
])
@description('Memory of each function app instance, in MB.')
param instanceMemoryMB int = 2048

@minValue(1)
@description('Days after which raw archive blobs move to the cool tier.')
param rawCoolAfterDays int = 30

@minValue(1)
@description('Days after which raw archive blobs are deleted (the retention period of raw customer data).')
param rawRetentionDays int = 365

@minValue(1)
@description('Days after which quarantined blobs are deleted.')
param quarantineRetentionDays int = 90

@minValue(1)
@description('Days after which data-subject exports are deleted.')
param exportRetentionDays int = 7

@minValue(1)
@maxValue(146000)
@description('Days that each blob of the audit container stays immutable.')
param auditImmutabilityDays int = 2555

@minValue(30)
@maxValue(730)
@description('Days that Log Analytics keeps logs.')
param logRetentionInDays int = 30

@allowed([
  'Enabled'
  'Disabled'
])
@description('Whether the key vault accepts traffic from public networks (the Flex Consumption app needs it unless it is put in a virtual network).')
param keyVaultPublicNetworkAccess string = 'Enabled'

@minValue(0)
@description('Alert when more events than this are quarantined within 15 minutes.')
param quarantineAlertThreshold int = 100

@minValue(0)
@description('Alert when more warnings than this about overdue privacy requests are logged within an hour.')
param overduePrivacyRequestAlertThreshold int = 0

@description('Name of the Key Vault secret that holds the pseudonymization key.')
param pseudonymizationKeySecretName string = 'pipeline-pseudonymization-key'

@description('Webhook sources whose signing secret the app reads from Key Vault (source name and secret name).')
param webhookSecretReferences webhookSecretReference[] = []

@description('Extra non-secret app settings, name to value (for example Pipeline__Sources__{name}__Tenant).')
param extraAppSettings object = {}

@description('Application (client) id of the Microsoft Entra app registration of the privacy API (app role compliance); empty leaves App Service authentication off and the privacy API closed.')
param privacyApiClientId string = ''

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var names = {
  identity: '${abbrs.managedIdentityUserAssignedIdentities}${resourceToken}'
  logAnalytics: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
  applicationInsights: '${abbrs.insightsComponents}${resourceToken}'
  storage: '${abbrs.storageStorageAccounts}${resourceToken}'
  eventHubsNamespace: '${abbrs.eventHubNamespaces}${resourceToken}'
  keyVault: '${abbrs.keyVaultVaults}${resourceToken}'
  plan: '${abbrs.webServerFarms}${resourceToken}'
  functionApp: '${abbrs.webSitesFunctions}${resourceToken}'
  actionGroup: '${abbrs.insightsActionGroups}${resourceToken}'
  alertPrefix: '${abbrs.insightsScheduledQueryRules}${resourceToken}-'
}
var eventHubName = 'events'
var tags = {
  'azd-env-name': environmentName
}

resource rg 'Microsoft.Resources/resourceGroups@2024-11-01' = {
  name: '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: names.logAnalytics
    applicationInsightsName: names.applicationInsights
    location: location
    tags: tags
    retentionInDays: logRetentionInDays
  }
}

module workbook 'app/workbook.bicep' = {
  name: 'workbook'
  scope: rg
  params: {
    location: location
    tags: tags
    applicationInsightsName: names.applicationInsights
  }
  // The component's name is known up front (for What-If), so the module waits for it explicitly.
  dependsOn: [
    monitoring
  ]
}

module identity 'app/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: names.storage
    location: location
    tags: tags
    skuName: storageSkuName
    rawCoolAfterDays: rawCoolAfterDays
    rawRetentionDays: rawRetentionDays
    quarantineRetentionDays: quarantineRetentionDays
    exportRetentionDays: exportRetentionDays
    auditImmutabilityDays: auditImmutabilityDays
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
  }
}

module eventHubs 'app/eventhubs.bicep' = {
  name: 'eventhubs'
  scope: rg
  params: {
    name: names.eventHubsNamespace
    location: location
    tags: tags
    eventHubName: eventHubName
    consumerGroupName: 'processing'
    partitionCount: eventHubPartitionCount
    messageRetentionInDays: eventHubMessageRetentionInDays
    capacity: eventHubThroughputUnits
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
  }
}

module keyVault 'app/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: names.keyVault
    location: location
    tags: tags
    publicNetworkAccess: keyVaultPublicNetworkAccess
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
  }
}

module roles 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    appIdentityName: names.identity
    userPrincipalId: principalId
    storageAccountName: names.storage
    eventHubsNamespaceName: names.eventHubsNamespace
    eventHubName: eventHubName
    keyVaultName: names.keyVault
    applicationInsightsName: names.applicationInsights
  }
  // Names are known up front (for What-If), so the resources they name are waited for explicitly.
  dependsOn: [
    identity
    storage
    eventHubs
    keyVault
    monitoring
  ]
}

module api 'app/api.bicep' = {
  name: 'api'
  scope: rg
  params: {
    name: names.functionApp
    planName: names.plan
    location: location
    tags: tags
    serviceName: 'api'
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageBlobEndpoint: storage.outputs.blobEndpoint
    storageQueueEndpoint: storage.outputs.queueEndpoint
    storageTableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerName: storage.outputs.deploymentContainerName
    eventHubsFullyQualifiedNamespace: eventHubs.outputs.fullyQualifiedNamespace
    eventHubName: eventHubs.outputs.eventHubName
    eventHubConsumerGroup: eventHubs.outputs.consumerGroupName
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    keyVaultUri: keyVault.outputs.uri
    pseudonymizationKeySecretName: pseudonymizationKeySecretName
    webhookSecretReferences: webhookSecretReferences
    extraAppSettings: extraAppSettings
    authClientId: privacyApiClientId
    runtimeName: 'dotnet-isolated'
    runtimeVersion: '10.0'
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
  }
  // The identity holds its data roles before the host starts and resolves its Key Vault references.
  dependsOn: [
    roles
  ]
}

module alerts 'app/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    location: location
    tags: tags
    actionGroupName: names.actionGroup
    alertNamePrefix: names.alertPrefix
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
    alertEmailAddress: alertEmailAddress
    quarantineThreshold: quarantineAlertThreshold
    overduePrivacyRequestThreshold: overduePrivacyRequestAlertThreshold
  }
}

// Outputs become azd environment values. None is a credential: no keys, no SAS, no secret values.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output RESOURCE_GROUP string = rg.name
output AZURE_CLIENT_ID string = identity.outputs.clientId
output AZURE_FUNCTION_NAME string = api.outputs.name
output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_URI string = api.outputs.uri
output STORAGE_ACCOUNT_NAME string = storage.outputs.name
output STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint
output STORAGE_TABLE_ENDPOINT string = storage.outputs.tableEndpoint
output EVENTHUBS_NAMESPACE string = eventHubs.outputs.namespaceName
output EVENTHUBS_FULLY_QUALIFIED_NAMESPACE string = eventHubs.outputs.fullyQualifiedNamespace
output EVENTHUB_NAME string = eventHubs.outputs.eventHubName
output KEY_VAULT_NAME string = keyVault.outputs.name
output KEY_VAULT_URI string = keyVault.outputs.uri
output APPLICATIONINSIGHTS_CONNECTION_STRING string = monitoring.outputs.applicationInsightsConnectionString
output ALERT_ACTION_GROUP_ID string = alerts.outputs.actionGroupId
