metadata description = 'Log alerts on the pipeline traces (quarantine spikes, overdue privacy requests) and the action group they notify.'

@description('Location of the alert rules.')
param location string = resourceGroup().location

@description('Tags applied to the alert resources.')
param tags object = {}

@description('Name of the action group.')
param actionGroupName string

@description('Prefix of the alert rule names.')
param alertNamePrefix string

@description('Resource id of the Log Analytics workspace that holds the app traces (AppTraces).')
param logAnalyticsWorkspaceId string

@description('Email address that receives the alerts; empty for none.')
param alertEmailAddress string = ''

@minValue(0)
@description('Alert when more events than this are quarantined within 15 minutes.')
param quarantineThreshold int = 100

@minValue(0)
@description('Alert when more warnings than this about overdue privacy requests are logged within an hour.')
param overduePrivacyRequestThreshold int = 0

// The processor logs 'Quarantined {Count} events of tenant {Tenant} in {Blob}' as a warning. The count is read from
// the structured property when the worker sends it, else from the rendered message.
var quarantineQuery = '''
AppTraces
| where Message startswith "Quarantined " and Message has " events of tenant "
| extend QuarantinedEvents = toint(coalesce(tostring(Properties["Count"]), extract(@"^Quarantined (\d+) events", 1, Message)))
| project TimeGenerated, QuarantinedEvents
'''

var overdueQuery = '''
AppTraces
| where SeverityLevel >= 2
| where Message contains "overdue"
| project TimeGenerated, Message
'''

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: actionGroupName
  location: 'Global'
  tags: tags
  properties: {
    groupShortName: 'pipeline'
    enabled: true
    emailReceivers: empty(alertEmailAddress)
      ? []
      : [
          {
            name: 'operator'
            emailAddress: alertEmailAddress
            useCommonAlertSchema: true
          }
        ]
  }
}

resource quarantineSpike 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${alertNamePrefix}quarantine-spike'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Quarantine spike'
    description: 'More events than the threshold were quarantined in 15 minutes: a source may have changed its payloads or signatures.'
    severity: 2
    enabled: true
    scopes: [
      logAnalyticsWorkspaceId
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: quarantineQuery
          timeAggregation: 'Total'
          metricMeasureColumn: 'QuarantinedEvents'
          operator: 'GreaterThan'
          threshold: quarantineThreshold
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: [
        actionGroup.id
      ]
    }
  }
}

resource overduePrivacyRequests 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${alertNamePrefix}privacy-overdue'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Overdue privacy requests'
    description: 'The app logged privacy requests (access, erasure) that are past their deadline.'
    severity: 1
    enabled: true
    scopes: [
      logAnalyticsWorkspaceId
    ]
    evaluationFrequency: 'PT1H'
    windowSize: 'PT1H'
    criteria: {
      allOf: [
        {
          query: overdueQuery
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: overduePrivacyRequestThreshold
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: [
        actionGroup.id
      ]
    }
  }
}

@description('Resource id of the action group.')
output actionGroupId string = actionGroup.id
