metadata description = '''Where the template can deploy: the regions that offer availability zones, and the storage
redundancy that exists in a region. main.bicep imports storageSkuName; the infrastructure tests compile it for sample
regions. The regions that offer Flex Consumption are the @allowed list of main.bicep's location (a decorator needs a
literal), of which zoneRedundantRegions must stay a subset.'''

// Regions (of those that offer Flex Consumption) with availability zones, where zone-redundant storage (Standard_ZRS)
// exists. Source: Microsoft Learn, "Azure regions with availability zone support" and "Azure Storage redundancy:
// zone-redundant storage, supported regions", as read in mid-2025. A region missing here only costs redundancy
// (it gets Standard_LRS); a region wrongly listed here fails the deployment, so when in doubt a region is left out.
@export()
@description('Regions with availability zones, where Standard_ZRS storage exists.')
var zoneRedundantRegions = [
  'australiaeast'
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
  'northeurope'
  'norwayeast'
  'southafricanorth'
  'southcentralus'
  'southeastasia'
  'spaincentral'
  'swedencentral'
  'uaenorth'
  'uksouth'
  'westeurope'
  'westus2'
  'westus3'
]

@export()
@description('The storage redundancies the template uses.')
type storageSku = 'Standard_LRS' | 'Standard_ZRS'

@export()
@description('Redundancy of a storage account in a region: zone-redundant where the region has availability zones, locally redundant elsewhere.')
func storageSkuName(location string) storageSku => contains(zoneRedundantRegions, toLower(location)) ? 'Standard_ZRS' : 'Standard_LRS'
