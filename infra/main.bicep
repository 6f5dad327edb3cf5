targetScope = 'subscription'

metadata description = '''Serverless customer-data pipeline: a Flex Consumption function app reading Event Hubs and writing
Blob and Table storage, with Key Vault, monitoring and alerts. Every connection is identity-based; nothing here
holds or outputs a key. Deployed by `azd up`.'''

import { webhookSecretReference } from './app/api.bicep'
import { storageSkuName } from './app/regions.bicep'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; it names the resource group and seeds the unique resource token.')
param environmentName string

// The regions that offer Flex Consumption. Source: Microsoft Learn, "Azure Functions Flex Consumption plan hosting",
// supported regions (`az functionapp list-flexconsumption-locations`), as published in mid-2025; canary (EUAP) regions
// left out. Extend the list when Microsoft adds regions; a region with availability zones also goes into
// zoneRedundantRegions (app/regions.bicep).
@minLength(1)
@description('Primary location of every resource: a region that offers Flex Consumption.')
@allowed([
  'australiaeast'
  'australiasoutheast'
  'brazilsouth'
  'canadacentral'
  'centralindia'
  'centralus'
  'eastasia'
  'eastus'
  'eastus2'
  'francecentral'
  'germanywestcentral'
  'italynorth'
  'japaneast'
  'koreacentral'
  'northcentralus'
  'northeurope'
  'norwayeast'
  'southafricanorth'
  'southcentralus'
  'southeastasia'
  'southindia'
  'spaincentral'
  'swedencentral'
  'uaenorth'
  'uksouth'
  'ukwest'
  'westcentralus'
  'westeurope'
  'westus'
  'westus2'
  'westus3'
])
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of the deploying principal (azd passes AZURE_PRINCIPAL_ID). It gets data roles to run locally and to set the secrets; empty for none.')
param principalId string = ''

@allowed([
  'User'
  'ServicePrincipal'
])
@description('Kind of the deploying principal (AZURE_PRINCIPAL_TYPE): User, or ServicePrincipal when a CI pipeline runs azd signed in as a service principal.')
param principalType string = 'User'

@description('Email address that receives the alerts; empty for none.')
param alertEmailAddress string = ''

@minValue(1)
@maxValue(32)
@description('Partitions of the events hub.')
param eventHubPartitionCount int = 8

@minValue(1)
@maxValue(365)
@description('Days that overwritten or deleted customer-data blobs stay restorable (soft delete); every erasure certificate names it as when a purged blob\'s earlier content is gone.')
param blobSoftDeleteDays int = 14

@minValue(1)
@maxValue(7)
@description('Days that the events hub keeps events. Processing is continuous and the raw archive is the replay source, so one day suffices; every erasure certificate names this as the time by which the person\'s events leave the hub.')
param eventHubMessageRetentionInDays int = 1

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

@description('Set (AUDIT_IMMUTABILITY_LOCKED=true) once an operator has locked the audit container\'s retention policy: the template then stops writing the policy, which ARM refuses for a locked one. docs/deploy.md.')
param auditImmutabilityLocked bool = false

@minValue(30)
@maxValue(730)
@description('Days that Log Analytics keeps logs.')
param logRetentionInDays int = 30

@allowed([
  'Enabled'
  'Disabled'
])
@description('Whether the key vault accepts traffic from public networks (the Flex Consumption app needs it unless it is put in a virtual network); with vnetEnabled it is always Disabled.')
param keyVaultPublicNetworkAccess string = 'Enabled'

@description('Put the app in a virtual network (VNET_ENABLED): private endpoints for both storage accounts, Event Hubs and Key Vault, whose public network access is then disabled.')
param vnetEnabled bool = false

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
  hostStorage: '${abbrs.storageStorageAccounts}host${resourceToken}'
  virtualNetwork: '${abbrs.networkVirtualNetworks}${resourceToken}'
  eventHubsNamespace: '${abbrs.eventHubNamespaces}${resourceToken}'
  keyVault: '${abbrs.keyVaultVaults}${resourceToken}'
  plan: '${abbrs.webServerFarms}${resourceToken}'
  functionApp: '${abbrs.webSitesFunctions}${resourceToken}'
  actionGroup: '${abbrs.insightsActionGroups}${resourceToken}'
  alertPrefix: '${abbrs.insightsScheduledQueryRules}${resourceToken}-'
}
var eventHubName = 'events'
// Zone-redundant where the region has availability zones, locally redundant elsewhere (app/regions.bicep).
var storageSku = storageSkuName(location)
// With the virtual network, the data services are reached on their private endpoints only.
var dataPublicNetworkAccess = vnetEnabled ? 'Disabled' : 'Enabled'
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
    skuName: storageSku
    publicNetworkAccess: dataPublicNetworkAccess
    rawCoolAfterDays: rawCoolAfterDays
    rawRetentionDays: rawRetentionDays
    quarantineRetentionDays: quarantineRetentionDays
    exportRetentionDays: exportRetentionDays
    deleteRetentionDays: blobSoftDeleteDays
    auditImmutabilityDays: auditImmutabilityDays
    auditImmutabilityLocked: auditImmutabilityLocked
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
  }
}

module hostStorage 'app/hoststorage.bicep' = {
  name: 'hoststorage'
  scope: rg
  params: {
    name: names.hostStorage
    location: location
    tags: tags
    skuName: storageSku
    publicNetworkAccess: dataPublicNetworkAccess
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
    publicNetworkAccess: dataPublicNetworkAccess
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
    publicNetworkAccess: vnetEnabled ? 'Disabled' : keyVaultPublicNetworkAccess
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
  }
}

module network 'app/network.bicep' = if (vnetEnabled) {
  name: 'network'
  scope: rg
  params: {
    name: names.virtualNetwork
    location: location
    tags: tags
    dataStorageAccountId: storage.outputs.id
    hostStorageAccountId: hostStorage.outputs.id
    eventHubsNamespaceId: eventHubs.outputs.namespaceId
    keyVaultId: keyVault.outputs.id
  }
}

module roles 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    appIdentityName: names.identity
    userPrincipalId: principalId
    userPrincipalType: principalType
    storageAccountName: names.storage
    hostStorageAccountName: names.hostStorage
    eventHubsNamespaceName: names.eventHubsNamespace
    eventHubName: eventHubName
    keyVaultName: names.keyVault
    applicationInsightsName: names.applicationInsights
  }
  // Names are known up front (for What-If), so the resources they name are waited for explicitly.
  dependsOn: [
    identity
    storage
    hostStorage
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
    storageTableEndpoint: storage.outputs.tableEndpoint
    hostStorageBlobEndpoint: hostStorage.outputs.blobEndpoint
    hostStorageQueueEndpoint: hostStorage.outputs.queueEndpoint
    hostStorageTableEndpoint: hostStorage.outputs.tableEndpoint
    deploymentContainerName: hostStorage.outputs.deploymentContainerName
    eventHubsFullyQualifiedNamespace: eventHubs.outputs.fullyQualifiedNamespace
    eventHubName: eventHubs.outputs.eventHubName
    eventHubConsumerGroup: eventHubs.outputs.consumerGroupName
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    keyVaultUri: keyVault.outputs.uri
    pseudonymizationKeySecretName: pseudonymizationKeySecretName
    webhookSecretReferences: webhookSecretReferences
    extraAppSettings: extraAppSettings
    eventHubsRetentionDays: eventHubMessageRetentionInDays
    blobSoftDeleteDays: blobSoftDeleteDays
    telemetryRetentionDays: logRetentionInDays
    authClientId: privacyApiClientId
    runtimeName: 'dotnet-isolated'
    runtimeVersion: '10.0'
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    virtualNetworkSubnetId: vnetEnabled ? network!.outputs.appSubnetId : ''
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
  }
  // The identity holds its data roles before the host starts and resolves its Key Vault references (and, with the
  // virtual network, the private endpoints exist: the reference to the network module's output waits for them).
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
output HOST_STORAGE_ACCOUNT_NAME string = hostStorage.outputs.name
output EVENTHUBS_NAMESPACE string = eventHubs.outputs.namespaceName
output EVENTHUBS_FULLY_QUALIFIED_NAMESPACE string = eventHubs.outputs.fullyQualifiedNamespace
output EVENTHUB_NAME string = eventHubs.outputs.eventHubName
output KEY_VAULT_NAME string = keyVault.outputs.name
output KEY_VAULT_URI string = keyVault.outputs.uri
output APPLICATIONINSIGHTS_CONNECTION_STRING string = monitoring.outputs.applicationInsightsConnectionString
output ALERT_ACTION_GROUP_ID string = alerts.outputs.actionGroupId
