"""Plan: goals with forecasts, campaigns with budgets and pacing, spend imports, KPIs."""

from tandem.plan import actions, store
from tandem.plan.actions import (
    CampaignInput,
    GoalInput,
    ManualCost,
    add_manual_cost,
    create_campaign,
    create_goal,
    delete_manual_cost,
    save_settings,
    update_campaign,
    update_goal,
)
from tandem.plan.alerts import check_pacing
from tandem.plan.forecast import DayValue, Forecast, forecast
from tandem.plan.goals import GoalView, goal_view, goal_views
from tandem.plan.importing import ImportResult, import_spend, match_campaign
from tandem.plan.kpis import DEFINITIONS, Definition, KpiValues, Totals, kpis
from tandem.plan.model import (
    Campaign,
    Channel,
    Goal,
    GoalMetric,
    GoalStatus,
    Pacing,
    PlanSettings,
    SpendImport,
    SpendLine,
)
from tandem.plan.pacing import PacingReport, pace
from tandem.plan.results import (
    CampaignReport,
    CampaignSummary,
    attributed_results,
    campaign_report,
    overview,
)
from tandem.plan.spend_import import (
    PRESETS,
    ColumnMap,
    ImportRejected,
    RowError,
    custom_map,
    preset_map,
)

__all__ = [
    "DEFINITIONS",
    "PRESETS",
    "Campaign",
    "CampaignInput",
    "CampaignReport",
    "CampaignSummary",
    "Channel",
    "ColumnMap",
    "DayValue",
    "Definition",
    "Forecast",
    "Goal",
    "GoalInput",
    "GoalMetric",
    "GoalStatus",
    "GoalView",
    "ImportRejected",
    "ImportResult",
    "KpiValues",
    "ManualCost",
    "Pacing",
    "PacingReport",
    "PlanSettings",
    "RowError",
    "SpendImport",
    "SpendLine",
    "Totals",
    "actions",
    "add_manual_cost",
    "attributed_results",
    "campaign_report",
    "check_pacing",
    "create_campaign",
    "create_goal",
    "custom_map",
    "delete_manual_cost",
    "forecast",
    "goal_view",
    "goal_views",
    "import_spend",
    "kpis",
    "match_campaign",
    "overview",
    "pace",
    "preset_map",
    "save_settings",
    "store",
    "update_campaign",
    "update_goal",
]
