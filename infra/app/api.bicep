metadata description = '''The function app on a Flex Consumption plan. Every connection is identity-based through one
user-assigned identity; secrets are Key Vault references resolved with that identity; FTP and basic publishing
credentials are disabled.'''

@description('Name of the function app.')
param name string

@description('Name of the Flex Consumption plan.')
param planName string

@description('Location of the plan and the app.')
param location string = resourceGroup().location

@description('Tags applied to the plan and the app (the app also gets azd-service-name).')
param tags object = {}

@description('azd service name of the app, as in azure.yaml.')
param serviceName string = 'api'

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Client id of the user-assigned identity, for the settings that select it.')
param identityClientId string

@description('Blob endpoint of the customer-data storage account, which the pipeline writes (ends with a slash).')
param storageBlobEndpoint string

@description('Table endpoint of the customer-data storage account, which the pipeline writes (ends with a slash).')
param storageTableEndpoint string

@description('Blob endpoint of the Functions host storage account, AzureWebJobsStorage (ends with a slash).')
param hostStorageBlobEndpoint string

@description('Queue endpoint of the Functions host storage account, AzureWebJobsStorage (ends with a slash).')
param hostStorageQueueEndpoint string

@description('Table endpoint of the Functions host storage account, AzureWebJobsStorage (ends with a slash).')
param hostStorageTableEndpoint string

@description('Blob container of the host storage account that receives the deployment package.')
param deploymentContainerName string

@description('Fully qualified host name of the Event Hubs namespace.')
param eventHubsFullyQualifiedNamespace string

@description('Name of the hub the app reads.')
param eventHubName string

@description('Consumer group the app reads with.')
param eventHubConsumerGroup string

@description('Ingestion endpoint of Application Insights (not a credential: local auth is disabled on the component).')
param applicationInsightsConnectionString string

@description('URI of the key vault that holds the secrets, ending with a slash.')
param keyVaultUri string

@description('Name of the Key Vault secret that holds the pseudonymization key (base64 of at least 32 random bytes).')
param pseudonymizationKeySecretName string = 'pipeline-pseudonymization-key'

@description('Webhook sources whose signing secret comes from Key Vault: each gives Pipeline:Sources:{source}:Secrets:0.')
param webhookSecretReferences webhookSecretReference[] = []

@description('Extra non-secret settings, app setting name to value (for example Pipeline__Sources__{name}__Tenant).')
param extraAppSettings object = {}

@allowed([
  'dotnet-isolated'
])
@description('Language worker of the app.')
param runtimeName string = 'dotnet-isolated'

@allowed([
  '8.0'
  '9.0'
  '10.0'
])
@description('Version of the language worker.')
param runtimeVersion string = '10.0'

@minValue(40)
@maxValue(1000)
@description('Most instances the app scales out to.')
param maximumInstanceCount int = 100

@allowed([
  512
  2048
  4096
])
@description('Memory of each instance, in MB.')
param instanceMemoryMB int = 2048

@minValue(1)
@maxValue(20)
@description('Always-ready instances of the durable group (orchestrators, activities and entities), so that Durable work is picked up without a cold start, as Microsoft recommends for Durable Functions on Flex Consumption.')
param durableAlwaysReadyInstanceCount int = 1

@description('Resource id of the subnet the app sends its outbound traffic through (delegated to Microsoft.App/environments); empty for none.')
param virtualNetworkSubnetId string = ''

@description('Resource id of the Log Analytics workspace that receives the diagnostics.')
param logAnalyticsWorkspaceId string

@description('Application (client) id of the Microsoft Entra app registration that callers of the privacy API get tokens for; empty leaves App Service authentication off, and the privacy API then admits nobody.')
param authClientId string = ''

@description('Days that Event Hubs keeps events: an erasure certificate names it as when the person\'s events leave the hub.')
param eventHubsRetentionDays int

@description('Days that overwritten or deleted customer-data blobs stay restorable (soft delete), as erasure certificates state.')
param blobSoftDeleteDays int

@description('Days that Log Analytics and Application Insights keep telemetry (join keys and counts only), as erasure certificates state.')
param telemetryRetentionDays int

@description('A webhook source whose signing secret is a Key Vault secret.')
@export()
type webhookSecretReference = {
  @description('Name of the source under Pipeline:Sources (letters, digits and underscores, as app setting names need).')
  source: string

  @description('Name of the Key Vault secret that holds its signing secret.')
  secretName: string
}

// Identity-based connections only: no connection string, account key or shared access signature anywhere.
// AzureWebJobsStorage (host state: leases, Event Hubs checkpoints, the Durable task hub) is the host account;
// Pipeline__Storage* (customer data) is the data account.
var baseSettings = [
  {
    name: 'AzureWebJobsStorage__credential'
    value: 'managedidentity'
  }
  {
    name: 'AzureWebJobsStorage__clientId'
    value: identityClientId
  }
  {
    name: 'AzureWebJobsStorage__blobServiceUri'
    value: hostStorageBlobEndpoint
  }
  {
    name: 'AzureWebJobsStorage__queueServiceUri'
    value: hostStorageQueueEndpoint
  }
  {
    name: 'AzureWebJobsStorage__tableServiceUri'
    value: hostStorageTableEndpoint
  }
  {
    name: 'EventHubConnection__fullyQualifiedNamespace'
    value: eventHubsFullyQualifiedNamespace
  }
  {
    name: 'EventHubConnection__credential'
    value: 'managedidentity'
  }
  {
    name: 'EventHubConnection__clientId'
    value: identityClientId
  }
  {
    name: 'EventHubName'
    value: eventHubName
  }
  {
    name: 'EventHubConsumerGroup'
    value: eventHubConsumerGroup
  }
  {
    name: 'AZURE_CLIENT_ID'
    value: identityClientId
  }
  {
    name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
    value: applicationInsightsConnectionString
  }
  {
    name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
    value: 'ClientId=${identityClientId};Authorization=AAD'
  }
  {
    name: 'Pipeline__StorageBlobUri'
    value: storageBlobEndpoint
  }
  {
    name: 'Pipeline__StorageTableUri'
    value: storageTableEndpoint
  }
  {
    name: 'Pipeline__PseudonymizationKey'
    value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${pseudonymizationKeySecretName})'
  }
  // What an erasure cannot remove at once, and until when it lasts: stated on every certificate.
  {
    name: 'Pipeline__Privacy__EventHubsRetentionDays'
    value: string(eventHubsRetentionDays)
  }
  {
    name: 'Pipeline__Privacy__BlobSoftDeleteDays'
    value: string(blobSoftDeleteDays)
  }
  {
    name: 'Pipeline__Privacy__TelemetryRetentionDays'
    value: string(telemetryRetentionDays)
  }
  {
    // WorkflowHistoryPurge runs hourly and purges every ended workflow's Durable history.
    name: 'Pipeline__Privacy__WorkflowHistoryLifetime'
    value: '01:00:00'
  }
]

var webhookSecretSettings = [
  for reference in webhookSecretReferences: {
    name: 'Pipeline__Sources__${reference.source}__Secrets__0'
    value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${reference.secretName})'
  }
]

var extraSettings = [
  for setting in items(extraAppSettings): {
    name: setting.key
    value: string(setting.value)
  }
]

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-11-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientAffinityEnabled: false
    // Key Vault references are resolved with the user-assigned identity, which holds Key Vault Secrets User.
    keyVaultReferenceIdentity: identityId
    // In the virtual network (network.bicep) when a subnet is given; Flex Consumption then sends the app's outbound
    // traffic through it, so storage, Event Hubs and Key Vault are reached on their private endpoints.
    virtualNetworkSubnetId: empty(virtualNetworkSubnetId) ? null : virtualNetworkSubnetId
    // Only what Flex Consumption honours: no ftpsState (Flex has no FTP; basic publishing is disabled below), no
    // alwaysOn, use32BitWorkerProcess, linuxFxVersion, netFrameworkVersion or other stack versions (functionAppConfig
    // .runtime), no functionAppScaleLimit or preWarmedInstanceCount (functionAppConfig.scaleAndConcurrency).
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      http20Enabled: true
      appSettings: concat(baseSettings, webhookSecretSettings, extraSettings)
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${hostStorageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
        // Durable Functions on Flex Consumption: one instance of the durable group is always ready, so orchestrations
        // and timers are picked up at once (with host.json's maxQueuePollingInterval of one second).
        alwaysReady: [
          {
            name: 'durable'
            instanceCount: durableAlwaysReadyInstanceCount
          }
        ]
      }
      runtime: {
        name: runtimeName
        version: runtimeVersion
      }
    }
  }
}

// App Service authentication (Microsoft Entra ID) in front of the app, for the privacy API. It validates a bearer
// token when one is sent and passes the caller's claims (app roles included) in X-MS-CLIENT-PRINCIPAL, which clients
// cannot set themselves; the app checks the compliance role. Requests without a token still reach the app
// (AllowAnonymous): webhooks and the health check carry none, and the privacy functions answer them 401.
resource authentication 'Microsoft.Web/sites/config@2024-11-01' = if (!empty(authClientId)) {
  parent: functionApp
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
    }
    globalValidation: {
      requireAuthentication: false
      unauthenticatedClientAction: 'AllowAnonymous'
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: authClientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
        }
        validation: {
          allowedAudiences: [
            authClientId
            'api://${authClientId}'
          ]
        }
      }
    }
    login: {
      tokenStore: {
        enabled: false
      }
    }
    httpSettings: {
      requireHttps: true
    }
  }
}

resource ftpPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: functionApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: functionApp
  name: 'scm'
  properties: {
    allow: false
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: functionApp
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        category: 'FunctionAppLogs'
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

@description('Name of the function app.')
output name string = functionApp.name

@description('Resource id of the function app.')
output id string = functionApp.id

@description('HTTPS base address of the function app.')
output uri string = 'https://${functionApp.properties.defaultHostName}'
