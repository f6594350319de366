// bisect/NNN.html: one bisection (`zkbench bisect`, issue 19) in detail.
#include <fmt/format.h>

#include "report/html_common.hpp"

namespace zkbench::report {

namespace {

using html::esc;

std::string short_sha(const std::string& commit) {
  return commit.substr(0, 12);
}

// "+15.2 % [+13.0, +17.4] %", one-sided bounds as ±inf, "exact" for a deterministic metric.
std::string change_text(const core::BisectRecord::Comparison& c) {
  if (!c.change) {
    return "—";
  }
  const std::string change = html::pct(*c.change * 100);
  if (c.interval_method == "exact") {
    return change + " (exact)";
  }
  const std::string low = c.low ? fmt::format("{:+.1f}", *c.low * 100) : "−inf";
  const std::string high = c.high ? fmt::format("{:+.1f}", *c.high * 100) : "+inf";
  return fmt::format("{} [{}, {}] %", change, low, high);
}

const core::BisectRecord::Commit* commit_of(const core::BisectRecord& b, const std::string& sha) {
  for (const core::BisectRecord::Commit& c : b.commits) {
    if (c.commit == sha) {
      return &c;
    }
  }
  return nullptr;
}

std::string verdict_badge(const std::string& verdict) {
  // good: like GOOD; bad: like BAD; skipped/unsettled: no placement.
  const char* kind = verdict == "good" ? "verdict-keep" : verdict == "bad" ? "verdict-regression" : "verdict-maybe";
  return fmt::format("<span class=\"verdict {}\">{}</span>", kind, esc(verdict.empty() ? "—" : verdict));
}

// The comparisons that involve `sha` (a step's), or only the ends (`sha` empty), as table rows.
std::string comparison_rows(const core::BisectRecord& b, const std::string& sha) {
  std::string rows;
  for (const core::BisectRecord::Comparison& c : b.comparisons) {
    const bool ends = (c.baseline == b.good || c.baseline == b.bad) && (c.candidate == b.good || c.candidate == b.bad);
    if (sha.empty() ? !ends : c.baseline != sha && c.candidate != sha) {
      continue;
    }
    rows += fmt::format("<li><code>{}</code> against <code>{}</code> · {} · {} {} · {} · runs {} + {}</li>\n",
                        esc(short_sha(c.candidate)), esc(short_sha(c.baseline)), esc(c.input), esc(c.metric),
                        esc(change_text(c)),
                        c.failure.empty() ? esc(c.verdict) + " (" + esc(c.shift) + ")" : "failed: " + esc(c.failure),
                        c.baseline_runs, c.candidate_runs);
  }
  return rows.empty() ? std::string("<span class=\"muted\">no comparison recorded</span>") : "<ul>\n" + rows + "</ul>";
}

std::string steps_section(const core::BisectRecord& b) {
  std::string out = "<section id=\"steps\">\n<h2>Steps</h2>\n";
  out += "<table id=\"steps-table\">\n<thead><tr><th class=\"num\">step</th><th>commit</th><th>subject</th>"
         "<th>verdict</th><th>comparisons: change of the first against the second [interval]</th></tr></thead>\n<tbody>\n";
  if (!b.direction.empty()) {
    out += fmt::format("<tr class=\"ends\"><td class=\"num\">ends</td><td><code>{}</code> <code>{}</code></td>"
                       "<td>BAD against GOOD</td><td>{}</td><td>{}</td></tr>\n",
                       esc(short_sha(b.good)), esc(short_sha(b.bad)), esc(b.direction),
                       comparison_rows(b, ""));
  }
  int n = 0;
  for (const core::BisectRecord::Step& step : b.steps) {
    const core::BisectRecord::Commit* c = commit_of(b, step.commit);
    out += fmt::format("<tr class=\"step\"><td class=\"num\">{}</td><td><code>{}</code></td><td>{}</td><td>{}</td>"
                       "<td>{}</td></tr>\n",
                       ++n, esc(short_sha(step.commit)), c != nullptr ? esc(c->subject) : "", verdict_badge(step.verdict),
                       step.verdict == "skipped" && c != nullptr ? esc(c->note) : comparison_rows(b, step.commit));
  }
  out += "</tbody>\n</table>\n";
  if (b.steps.empty()) {
    out += "<p class=\"muted\">No commit between the ends was probed.</p>\n";
  }
  return out + "</section>\n";
}

std::string skipped_section(const core::BisectRecord& b) {
  std::string items;
  for (const core::BisectRecord::Commit& c : b.commits) {
    if (c.verdict == "skipped" || c.verdict == "unsettled") {
      items += fmt::format("<li><code>{}</code> {}: {}{}</li>\n", esc(short_sha(c.commit)), esc(c.subject), esc(c.verdict),
                           c.note.empty() ? "" : " — " + esc(c.note));
    }
  }
  return "<section id=\"skipped\">\n<h2>Skipped and unsettled commits</h2>\n" +
         (items.empty() ? std::string("<p class=\"muted\">None.</p>\n") : "<ul>\n" + items + "</ul>\n") + "</section>\n";
}

std::string culprit_section(const core::BisectRecord& b) {
  std::string out = "<section id=\"culprit\">\n<h2>First bad commit</h2>\n";
  if (!b.first_bad) {
    return out + (b.complete ? "<p class=\"muted\">None: the ends could not be told apart.</p>\n"
                             : "<p class=\"muted\">Not found yet.</p>\n") +
           "</section>\n";
  }
  out += fmt::format("<p><code class=\"commit\">{}</code> <strong class=\"subject\">{}</strong></p>\n",
                     esc(b.first_bad->commit), esc(b.first_bad->subject));
  if (!b.unknown.empty()) {
    std::string ids;
    for (const std::string& u : b.unknown) {
      ids += (ids.empty() ? "" : ", ") + ("<code>" + esc(short_sha(u)) + "</code>");
    }
    out += "<p>Or one of the skipped or unsettled commits before it: " + ids + ".</p>\n";
  }
  return out + "<pre class=\"diffstat\">" + esc(b.first_bad->diff_stat) + "</pre>\n</section>\n";
}

std::string cost_section(const core::BisectRecord& b) {
  std::string out = fmt::format("<section id=\"cost\">\n<h2>Cost</h2>\n<p>{}; {} in all, {} comparisons{}.</p>\n",
                                esc(b.cost.describe()), html::duration_text(b.elapsed_s), b.comparisons_made,
                                b.exact ? fmt::format(" (exact {}: each commit measured once)", esc(b.metric)) : "");
  if (b.resumed > 0) {
    out += fmt::format("<p id=\"resumed\">Resumed {} time(s) after an interruption: the steps judged before it were "
                       "kept, the step interrupted was measured again.</p>\n",
                       b.resumed);
  }
  if (b.git_bisect_fixed_runs > 0) {
    out += fmt::format("<p>A <code>git bisect run</code> with a fixed {}-run A/B per step would have measured {} runs.</p>\n",
                       b.git_bisect_runs_per_side, b.git_bisect_fixed_runs);
  }
  return out + "</section>\n";
}

} // namespace

std::string bisection_page_path(const core::BisectRecord& bisection) {
  return "bisect/" + bisection.id + ".html";
}

std::string bisection_answer(const core::BisectRecord& b) {
  if (b.complete) {
    return b.answer;
  }
  return b.direction.empty() ? "not finished: comparing the ends"
                             : fmt::format("not finished: {} commits probed", b.steps.size());
}

std::string render_bisect_page(const core::BisectRecord& b, AutoRefresh refresh) {
  std::string out = html::page_head(fmt::format("Bisect {} — zkbench", b.id), "../", refresh);
  const std::size_t commits = b.commits.empty() ? 0 : b.commits.size() - 1;
  out += fmt::format("<header><nav><a href=\"../index.html\">← dashboard</a></nav><h1>Bisect {} · {}..{}</h1>"
                     "<div>judged on {} (inputs {}){}{}</div></header>\n<main>\n",
                     esc(b.id), esc(short_sha(b.good)), esc(short_sha(b.bad)), esc(b.metric),
                     esc(fmt::format("{}", fmt::join(b.inputs, ", "))),
                     b.threshold ? fmt::format(" · threshold {:.3g} %", *b.threshold * 100) : "",
                     b.max_runs > 0 ? fmt::format(" · at most {} runs per side", b.max_runs) : "");
  out += fmt::format("<section id=\"answer\">\n<h2>Answer</h2>\n<p class=\"answer\"><strong>{}</strong></p>\n{}</section>\n",
                     esc(bisection_answer(b)),
                     b.complete ? "" : "<p class=\"muted\">Running, or interrupted: the same <code>zkbench bisect GOOD BAD</code> "
                                       "resumes it with the steps already judged.</p>\n");
  const core::BisectRecord::Commit* good = commit_of(b, b.good);
  const core::BisectRecord::Commit* bad = commit_of(b, b.bad);
  out += fmt::format("<section id=\"range\">\n<h2>Range</h2>\n<p>{} commits of the first-parent history from GOOD "
                     "<code>{}</code> {} to BAD <code>{}</code> {}{}.</p>\n</section>\n",
                     commits, esc(short_sha(b.good)), good != nullptr ? esc(good->subject) : "", esc(short_sha(b.bad)),
                     bad != nullptr ? esc(bad->subject) : "",
                     b.direction.empty() || b.direction == "no difference" ? "" : "; BAD is " + esc(b.direction));
  out += culprit_section(b);
  out += steps_section(b);
  out += skipped_section(b);
  out += "<section id=\"confidence\">\n<h2>Confidence</h2>\n<p>" +
         (b.confidence.empty() ? std::string("Not yet: the bisection has not ended.") : esc(b.confidence) + ".") +
         "</p>\n</section>\n";
  out += cost_section(b);
  if (!b.warnings.empty()) {
    out += "<section id=\"warnings\">\n<h2>Warnings</h2>\n<ul>\n";
    for (const std::string& w : b.warnings) {
      out += "<li>" + esc(w) + "</li>\n";
    }
    out += "</ul>\n</section>\n";
  }
  out += "</main>\n";
  return out + html::page_tail();
}

} // namespace zkbench::report
