metadata description = 'Application Insights workbook of the pipeline: throughput, totals, quarantine, lag and privacy requests, from the OpenTelemetry metrics the app exports.'

@description('Location of the workbook.')
param location string = resourceGroup().location

@description('Tags applied to the workbook.')
param tags object = {}

@description('Name of the Application Insights component (in this resource group) the workbook reads and is listed under.')
param applicationInsightsName string

@description('Display name of the workbook in the portal.')
param displayName string = 'Customer-data pipeline'

// The app's OpenTelemetry instruments land in customMetrics, one row per export interval: counters carry the sum in
// valueSum; histograms carry valueSum, valueCount, valueMin and valueMax (no buckets), so percentiles below are
// percentiles of the per-interval means, alongside the true maximum. Tags arrive in customDimensions.
var throughputQuery = '''
customMetrics
| where name in ("pipeline.events.accepted", "pipeline.events.stored", "pipeline.events.quarantined", "pipeline.events.duplicates", "pipeline.events.suppressed")
| summarize events = sum(valueSum) by name, bin(timestamp, 1m)
| render timechart
'''

var totalsQuery = '''
customMetrics
| where name in ("pipeline.events.accepted", "pipeline.events.stored", "pipeline.events.quarantined", "pipeline.events.duplicates", "pipeline.events.suppressed")
| summarize events = sum(valueSum) by name
| order by name asc
'''

var acceptedBySourceQuery = '''
customMetrics
| where name == "pipeline.events.accepted"
| summarize events = sum(valueSum) by source = tostring(customDimensions["source"]), tenant = tostring(customDimensions["tenant"])
| order by events desc
'''

var quarantineQuery = '''
customMetrics
| where name == "pipeline.events.quarantined"
| summarize events = sum(valueSum) by reason = tostring(customDimensions["reason"])
| order by events desc
'''

// Examples: the processor's 'Quarantined {Count} events of tenant {Tenant} in {Blob}' warnings name the blob that
// holds the records (reasons and violations inside; the payloads stay in storage), and exceptions show failures.
var quarantineExamplesQuery = '''
traces
| where message startswith "Quarantined " and message has " events of tenant "
| project timestamp, kind = "quarantine", tenant = tostring(customDimensions["Tenant"]), events = toint(customDimensions["Count"]), detail = tostring(customDimensions["Blob"])
| union (exceptions | project timestamp, kind = "exception", tenant = "", events = int(null), detail = strcat(type, ": ", outerMessage))
| top 25 by timestamp desc
'''

var lagQuery = '''
customMetrics
| where name == "pipeline.event.lag"
| extend meanSeconds = valueSum / valueCount
| summarize p50 = percentile(meanSeconds, 50), p95 = percentile(meanSeconds, 95), p99 = percentile(meanSeconds, 99), max = max(valueMax) by bin(timestamp, 5m)
| render timechart
'''

var batchQuery = '''
customMetrics
| where name in ("pipeline.batch.size", "pipeline.batch.duration")
| summarize mean = sum(valueSum) / sum(valueCount), max = max(valueMax) by name, bin(timestamp, 5m)
| render timechart
'''

var privacyQuery = '''
customMetrics
| where name == "pipeline.privacy.requests"
| summarize requests = sum(valueSum) by kind = tostring(customDimensions["kind"]), state = tostring(customDimensions["state"])
| order by kind asc, state asc
'''

var privacyAgeQuery = '''
customMetrics
| where name == "pipeline.privacy.request.age"
| summarize meanDays = sum(valueSum) / sum(valueCount) / 86400, oldestDays = max(valueMax) / 86400 by kind = tostring(customDimensions["kind"])
'''

var panels = [
  { name: 'throughput', title: 'Throughput (events per minute)', query: throughputQuery, visualization: 'timechart' }
  { name: 'totals', title: 'Totals', query: totalsQuery, visualization: 'table' }
  { name: 'accepted-by-source', title: 'Accepted by source and tenant', query: acceptedBySourceQuery, visualization: 'table' }
  { name: 'quarantine-by-reason', title: 'Quarantine by reason', query: quarantineQuery, visualization: 'barchart' }
  { name: 'quarantine-examples', title: 'Recent quarantine blobs and exceptions', query: quarantineExamplesQuery, visualization: 'table' }
  { name: 'lag', title: 'Event lag percentiles (s)', query: lagQuery, visualization: 'timechart' }
  { name: 'batches', title: 'Batch size and duration (s)', query: batchQuery, visualization: 'timechart' }
  { name: 'privacy-by-state', title: 'Privacy requests by state', query: privacyQuery, visualization: 'table' }
  { name: 'privacy-age', title: 'Privacy request age (days)', query: privacyAgeQuery, visualization: 'table' }
]

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

var workbookContent = {
  version: 'Notebook/1.0'
  items: concat(
    [
      {
        type: 1
        name: 'title'
        content: {
          json: '## ${displayName}\nEvents from webhooks to storage, what was quarantined and why, and where privacy requests stand.'
        }
      }
      {
        type: 9
        name: 'parameters'
        content: {
          version: 'KqlParameterItem/1.0'
          parameters: [
            {
              id: 'c6a1f3f2-6d1b-4c3e-9a55-3f4f0e0d2a10'
              version: 'KqlParameterItem/1.0'
              name: 'TimeRange'
              label: 'Time range'
              type: 4
              isRequired: true
              value: {
                durationMs: 86400000
              }
              typeSettings: {
                selectableValues: [
                  { durationMs: 3600000 }
                  { durationMs: 14400000 }
                  { durationMs: 86400000 }
                  { durationMs: 604800000 }
                  { durationMs: 2592000000 }
                ]
              }
            }
          ]
        }
      }
    ],
    map(panels, panel => {
      type: 3
      name: panel.name
      content: {
        version: 'KqlItem/1.0'
        title: panel.title
        query: panel.query
        size: 0
        queryType: 0
        resourceType: 'microsoft.insights/components'
        timeContextFromParameter: 'TimeRange'
        visualization: panel.visualization
      }
    })
  )
  fallbackResourceIds: [
    applicationInsights.id
  ]
}

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(resourceGroup().id, applicationInsightsName, 'pipeline-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: displayName
    category: 'workbook'
    version: 'Notebook/1.0'
    sourceId: applicationInsights.id
    serializedData: string(workbookContent)
  }
}

@description('Resource id of the workbook.')
output id string = workbook.id
