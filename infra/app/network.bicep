metadata description = '''The optional private network (vnetEnabled in main.bicep): a virtual network with a subnet for the
Flex Consumption app's outbound traffic (delegated to Microsoft.App/environments, as Flex Consumption requires) and a
subnet for private endpoints; private endpoints and private DNS zones for both storage accounts, Event Hubs and Key
Vault, whose public network access main.bicep then disables.'''

@description('Name of the virtual network.')
param name string

@description('Location of the virtual network and the private endpoints.')
param location string = resourceGroup().location

@description('Tags applied to the network resources.')
param tags object = {}

@description('Address space of the virtual network.')
param addressPrefix string = '10.0.0.0/16'

@description('Address range of the app subnet. Flex Consumption takes an address per instance, so it must hold the app\'s maximum instance count (a /23 holds 507).')
param appSubnetPrefix string = '10.0.0.0/23'

@description('Address range of the private-endpoint subnet.')
param privateEndpointSubnetPrefix string = '10.0.2.0/24'

@description('Resource id of the customer-data storage account (the pipeline reaches its blobs and tables).')
param dataStorageAccountId string

@description('Resource id of the Functions host storage account (blobs, queues and tables).')
param hostStorageAccountId string

@description('Resource id of the Event Hubs namespace.')
param eventHubsNamespaceId string

@description('Resource id of the key vault.')
param keyVaultId string

var appSubnetName = 'app'
var privateEndpointSubnetName = 'private-endpoints'

// Private DNS zones of the private link services (Microsoft Learn, "Azure Private Endpoint private DNS zone values").
// Storage's follow the cloud's storage suffix; Event Hubs' and Key Vault's are the public cloud's.
var dnsZones = {
  blob: 'privatelink.blob.${environment().suffixes.storage}'
  queue: 'privatelink.queue.${environment().suffixes.storage}'
  table: 'privatelink.table.${environment().suffixes.storage}'
  namespace: 'privatelink.servicebus.windows.net'
  vault: 'privatelink.vaultcore.azure.net'
}

// Every endpoint: the resource, its sub-resource (group id) and the zone of that group.
var endpoints = [
  {
    name: 'data-blob'
    targetId: dataStorageAccountId
    groupId: 'blob'
  }
  {
    name: 'data-table'
    targetId: dataStorageAccountId
    groupId: 'table'
  }
  {
    name: 'host-blob'
    targetId: hostStorageAccountId
    groupId: 'blob'
  }
  {
    name: 'host-queue'
    targetId: hostStorageAccountId
    groupId: 'queue'
  }
  {
    name: 'host-table'
    targetId: hostStorageAccountId
    groupId: 'table'
  }
  {
    name: 'eventhubs'
    targetId: eventHubsNamespaceId
    groupId: 'namespace'
  }
  {
    name: 'keyvault'
    targetId: keyVaultId
    groupId: 'vault'
  }
]

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [
        addressPrefix
      ]
    }
    subnets: [
      {
        name: appSubnetName
        properties: {
          addressPrefix: appSubnetPrefix
          delegations: [
            {
              name: 'flex-consumption'
              properties: {
                serviceName: 'Microsoft.App/environments'
              }
            }
          ]
        }
      }
      {
        name: privateEndpointSubnetName
        properties: {
          addressPrefix: privateEndpointSubnetPrefix
          privateEndpointNetworkPolicies: 'Disabled'
        }
      }
    ]
  }

  resource appSubnet 'subnets' existing = {
    name: appSubnetName
  }

  resource privateEndpointSubnet 'subnets' existing = {
    name: privateEndpointSubnetName
  }
}

resource zones 'Microsoft.Network/privateDnsZones@2024-06-01' = [
  for zone in items(dnsZones): {
    name: zone.value
    location: 'global'
    tags: tags
  }
]

resource zoneLinks 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = [
  for (zone, i) in items(dnsZones): {
    parent: zones[i]
    name: name
    location: 'global'
    tags: tags
    properties: {
      registrationEnabled: false
      virtualNetwork: {
        id: vnet.id
      }
    }
  }
]

module privateEndpoints 'privateendpoint.bicep' = [
  for endpoint in endpoints: {
    name: 'pe-${endpoint.name}'
    params: {
      name: 'pe-${endpoint.name}-${name}'
      location: location
      tags: tags
      subnetId: vnet::privateEndpointSubnet.id
      targetResourceId: endpoint.targetId
      groupId: endpoint.groupId
      privateDnsZoneId: resourceId('Microsoft.Network/privateDnsZones', dnsZones[endpoint.groupId])
    }
    // The zones' names are known up front, so the zones are waited for explicitly.
    dependsOn: [
      zones
    ]
  }
]

@description('Resource id of the virtual network.')
output id string = vnet.id

@description('Resource id of the subnet the function app is integrated with.')
output appSubnetId string = vnet::appSubnet.id

@description('Resource id of the subnet that holds the private endpoints.')
output privateEndpointSubnetId string = vnet::privateEndpointSubnet.id
