#pragma once

// How the sessions fold derives a call's analysis from its facts, with the
// rules of projections/analysis: one place for the columns that are an
// interpretation rather than a fact (docs/adr/0007). Each function is called
// by the fold when the fact it follows changed; derive() then recomputes
// what depends on them all.

#include "switchboard/analysis/rules.hpp"
#include "switchboard/analysis/tags.hpp"
#include "switchboard/db/records.hpp"
#include "switchboard/events/event.hpp"

namespace sb::projections::detail {

/// A user turn's text grew or began: its sentiment is scored again (the
/// call's sum moves by the difference), its tags join the call's, and it
/// may be the user's main request.
void user_text_changed(const analysis::tag_matcher& tags, db::session_record& s,
                       db::turn_record& t);

/// A user-to-bot latency measured outside an interruption joins the call's
/// samples (its p50 and p95); one measured while the user interrupted does
/// not, since it times the interruption rather than the bot.
void latency_measured(db::session_record& s, const turn_latency_measured& x);

/// Adds the usage to the call's sums for its service and model.
void usage_added(db::session_record& s, const usage_recorded& x);

/// An outside analysis: its summary, sentiment, tags and verdict take
/// precedence over the derived ones.
void provider_analysis(db::session_record& s, const call_analyzed& x);

/// Recomputes sentiment, success, summary, latency summary and the cost
/// (the whole call priced once, with the version in force at its start)
/// from the row, and stamps the rules version.
void derive(const analysis::rules& rules, db::session_record& s);

} // namespace sb::projections::detail
