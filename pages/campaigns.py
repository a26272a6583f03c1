"""Campaigns and events: what each campaign brought (responders worked, qualified in or out, pipeline, won, cost),
the same per ADR, which events were worth attending, and each ADR's queue of responders still waiting; every
figure from kpi.summary.campaign_view (ui.data.campaigns)."""

import streamlit as st

from kpi import campaigns, charts
from kpi.schema import Campaigns, CampaignMembers, Users
from kpi.summary import qualifies
from ui import data, state, widgets

C, M = Campaigns, CampaignMembers
FIGURES = ["members", "responders", "touched_in_sla", "mql", "qualified_in", "sql", "qualified_out", "opportunities",
           "pipeline", "won", "cost", "cost_per_sql", "pipeline_per_cost"]

filters = state.current()
facts = data.facts()
widgets.header(f"Campaigns · {filters.showing}", filters)
if not widgets.needs(facts, ("Campaign", "CampaignMember"), "campaigns, events and the responders' queue"):
    st.stop()
view = data.campaigns(filters.as_of, filters.fiscal_start, filters.team)
for message in view.messages:
    st.info(message)
names = facts.people.set_index(Users.Id)[Users.Name]
currency = facts.org.currency
when = st.column_config.DateColumn
config = {C.Name: st.column_config.TextColumn("Campaign", width="medium"), C.StartDate: when("Start"),
          C.EndDate: when("End"), **widgets.column_config(FIGURES)}
quarter = filters.calendar.quarter(filters.as_of)
active = view.campaigns.loc[view.campaigns.index.isin([c["id"] for c in view.figures])]

st.subheader(f"Campaigns with members or deals in {quarter.name}")
st.caption("Each campaign's figures count every member added and every deal it sourced up to the as-of date"
           + ("" if filters.team is None else f", for the members whose ADR is in {filters.team} and the deals "
                                              "its reps own") + ".")
if active.empty:
    st.info("No campaign had a member added or a deal created this quarter.")
else:
    st.plotly_chart(charts.campaign_results(active, f"What the quarter's campaigns sourced (to {filters.as_of:%d %b})",
                                            currency), key="campaign_results")
shown = view.campaigns.sort_values(C.StartDate, ascending=False)
st.markdown(f"**Every campaign** ({len(shown)}), newest first")
widgets.table(shown.reset_index()[[C.Name, C.Type, C.Status, C.StartDate, C.EndDate, *FIGURES, C.Id]],
              "campaigns", hide_index=True, width="stretch", column_config={**config, C.Id: "Campaign id"})

st.subheader("Per ADR")
owners = view.adrs.loc[view.adrs[["members", "opportunities", "queue"]].sum(axis=1) > 0]
reps, _ = data.scorecard(filters.as_of, filters.fiscal_start, filters.team)
adrs = owners.loc[owners.index.isin(reps.index[reps.apply(qualifies, axis=1)])]  # those who qualify leads
if owners.empty:
    st.caption("Nobody in this selection has campaign members or campaign deals.")
else:
    if not adrs.empty:
        st.plotly_chart(charts.responder_work(adrs, names, "ADRs' responders: worked within the SLA, and waiting"),
                        key="responder_work")
    st.caption("Members count for the owner of their lead when they responded; the deals for their owners, so "
               "account managers who received campaign leads are listed too.")
    per_adr = owners.assign(ADR=owners.index.map(names)).reset_index()
    widgets.table(per_adr[["ADR", *FIGURES[:10], "queue"]], "campaigns_per_adr", hide_index=True, width="stretch",
                  column_config=widgets.column_config([*FIGURES[:10], "queue"]))

st.subheader("Responders waiting for a first call or email")
waiting = view.queue.assign(ADR=view.queue[campaigns.OWNER_ID].map(names),
                            Campaign=view.queue[M.CampaignId].map(view.campaigns[C.Name]))
if filters.rep in set(waiting[campaigns.OWNER_ID]):
    mine = st.toggle(f"Only {names.get(filters.rep)}'s queue", value=True, key="campaigns_my_queue")
    waiting = waiting.loc[waiting[campaigns.OWNER_ID].eq(filters.rep)] if mine else waiting
st.caption(f"Oldest first, by business hours since the response ({len(waiting)}). The SLA is "
           f"{facts.definitions.speed.sla_hours:g} business hour(s).")
widgets.records(waiting.sort_values(campaigns.AGE_HOURS, ascending=False)[
    ["ADR", "Campaign", M.LeadId, campaigns.RESPONDED_AT, campaigns.AGE_HOURS, campaigns.OWNER_ID, "Id"]],
    key="responder_queue")

st.subheader("Events: worth attending?")
events = view.events.sort_values(C.StartDate, ascending=False)
if events.empty:
    st.caption(f"No campaign of the types {', '.join(facts.definitions.campaigns.event_types)} (settings.toml "
               "[campaigns] event_types).")
else:
    event_figures = ["prospects", "partners_recruited", "qualified_in", "opportunities", "pipeline", "won", "cost",
                     "pipeline_per_cost"]
    widgets.table(events.reset_index()[[C.Name, C.Type, C.StartDate, C.EndDate, *event_figures, C.Id]], "events",
                  hide_index=True, width="stretch",
                  column_config={**config, **widgets.column_config(event_figures), C.Id: "Campaign id"})
    recruits = view.recruited.assign(Event=view.recruited[M.CampaignId].map(view.campaigns[C.Name]))
    with st.expander(f"The {len(recruits)} partners recruited through events"):
        widgets.records(recruits[["Event", "Name", "recruited", "AccountId", "who", M.CampaignId]], key="recruits")

st.subheader("Qualified out, and why")
out = view.qualified_out.assign(reason=view.qualified_out["reason"].fillna("(no reason given)"))
if out.empty:
    st.caption("No member lead is qualified out on the as-of date.")
else:
    reasons = out.groupby("reason").size().rename("leads").sort_values(ascending=False).reset_index()
    widgets.table(reasons, "qualified_out_reasons", hide_index=True,
                  column_config={"reason": "Reason", "leads": st.column_config.NumberColumn("Leads", format="%d")})
    with st.expander(f"The {len(out)} member leads qualified out"):
        widgets.records(out.assign(ADR=out[campaigns.OWNER_ID].map(names),
                                   Campaign=out[M.CampaignId].map(view.campaigns[C.Name]))[
            ["Campaign", "ADR", "reason", M.LeadId, campaigns.OWNER_ID, "Id"]], key="qualified_out_members")

with st.expander("Records behind these numbers"):
    st.markdown("**Members** (responders, first touches, what their leads became)")
    widgets.records(view.members, key="campaign_members")
    st.markdown("**Opportunities sourced** (CampaignId), as they stood on the as-of date")
    widgets.records(view.deals, key="campaign_deals")
    if not view.orphans.empty:
        st.markdown("**Members left out** (their campaign, lead or contact is not in the data)")
        widgets.records(view.orphans, key="campaign_orphans")
with st.expander("How campaigns are counted"):
    st.markdown(campaigns.rule(facts.definitions.campaigns, facts.definitions.speed.sla_hours))
