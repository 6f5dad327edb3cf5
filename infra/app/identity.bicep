metadata description = 'The user-assigned managed identity the function app uses for every Azure resource it reaches.'

@description('Name of the user-assigned managed identity.')
param name string

@description('Location of the identity.')
param location string = resourceGroup().location

@description('Tags applied to the identity.')
param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

@description('Resource id of the identity.')
output id string = identity.id

@description('Name of the identity.')
output name string = identity.name

@description('Client (application) id of the identity, used by the app settings that select it.')
output clientId string = identity.properties.clientId

@description('Object id of the identity service principal, used by role assignments.')
output principalId string = identity.properties.principalId
