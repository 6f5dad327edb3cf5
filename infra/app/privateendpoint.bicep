metadata description = 'One private endpoint for one sub-resource (group) of a resource, in the private-endpoint subnet, registered in its private DNS zone.'

@description('Name of the private endpoint.')
param name string

@description('Location of the private endpoint (the virtual network\'s).')
param location string = resourceGroup().location

@description('Tags applied to the private endpoint.')
param tags object = {}

@description('Resource id of the subnet that holds the endpoint.')
param subnetId string

@description('Resource id of the resource the endpoint connects to.')
param targetResourceId string

@description('Sub-resource (group id) of the target: blob, queue, table, namespace, vault.')
param groupId string

@description('Resource id of the private DNS zone that gets the endpoint\'s A record.')
param privateDnsZoneId string

resource endpoint 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    subnet: {
      id: subnetId
    }
    privateLinkServiceConnections: [
      {
        name: name
        properties: {
          privateLinkServiceId: targetResourceId
          groupIds: [
            groupId
          ]
        }
      }
    ]
  }
}

resource dnsZoneGroup 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = {
  parent: endpoint
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [
      {
        name: replace(last(split(privateDnsZoneId, '/')), '.', '-')
        properties: {
          privateDnsZoneId: privateDnsZoneId
        }
      }
    ]
  }
}

@description('Resource id of the private endpoint.')
output id string = endpoint.id
