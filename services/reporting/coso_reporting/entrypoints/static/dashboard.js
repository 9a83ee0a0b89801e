/* coso dashboard: pickers, charts (Chart.js), report and plan tables, export links. */
"use strict";

const $ = (id) => document.getElementById(id);
const charts = {};
window.cosoCharts = charts;

function iso(d) { return d.toISOString().slice(0, 10); }

function escapeHtml(value) {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

/* A refusal of the API; status 401: no token (or an unknown one), so the page asks to sign in. */
class Refused extends Error {
  constructor(message, status) { super(message); this.status = status; }
}

async function getJson(url) {
  const response = await fetch(url);  // same origin: the session cookie goes along
  const body = await response.json();
  if (!response.ok) throw new Refused(body.detail || response.statusText, response.status);
  return body;
}

/* Sign-in: the token is posted to /session, which opens a session (its id, not the token, in an HttpOnly cookie). */
function askToSignIn() {
  $("sign-in").hidden = false;
  $("error").textContent = "Vui lòng đăng nhập bằng mã truy cập để xem số liệu.";
  $("token").focus();
}

async function signIn(event) {
  event.preventDefault();
  $("sign-in-error").textContent = "";
  const response = await fetch("/session", {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ token: $("token").value }),
  });
  if (!response.ok) {
    $("sign-in-error").textContent = "Mã truy cập không hợp lệ.";
    return;
  }
  $("token").value = "";
  $("sign-in").hidden = true;
  $("sign-out").hidden = false;
  await openDashboard();
}

async function signOut() {
  await fetch("/session", { method: "DELETE" });
  location.reload();
}

function explain(prefix, error) {
  if (error.status === 401) askToSignIn();
  else $("error").textContent = prefix + error.message;
}

function draw(id, config) {
  if (charts[id]) charts[id].destroy();
  config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, config.options || {});
  charts[id] = new Chart($(id), config);
  const points = config.data.datasets.reduce((n, d) => n + d.data.length, 0);
  $(id).dataset.points = String(points);
}

function fillAuthorities(answer, selected) {
  const byParent = {};
  const ids = new Set(answer.authorities.map((a) => a.authority_id));
  for (const a of answer.authorities) {
    const parent = ids.has(a.parent_id) ? a.parent_id : "";
    (byParent[parent] = byParent[parent] || []).push(a);
  }
  const select = $("authority");
  select.innerHTML = "";
  const add = (parent, depth) => {
    for (const a of byParent[parent] || []) {
      const option = document.createElement("option");
      option.value = a.authority_id;
      option.textContent = "\u00a0\u00a0".repeat(depth) + (a.name || a.authority_id);
      select.appendChild(option);
      add(a.authority_id, depth + 1);
    }
  };
  add("", 0);
  if (selected && ids.has(selected)) select.value = selected;
}

function query() {
  const params = new URLSearchParams({ authority_id: $("authority").value, from: $("from").value, to: $("to").value });
  if ($("as-of").value) params.set("as_of", $("as-of").value);  // the day of the hierarchy; empty: today
  return params;
}

/* "Tính đến ngày": the units (and their names) of the chosen day; reports follow it. */
function indicatorsUrl() {
  return "/indicators" + ($("as-of").value ? "?as_of=" + encodeURIComponent($("as-of").value) : "");
}

async function changeAsOf() {
  try {
    fillAuthorities(await getJson(indicatorsUrl()), $("authority").value);
  } catch (error) {
    explain("Không tải được danh sách đơn vị: ", error);
    return;
  }
  await load();
}

async function showReport(params) {
  const report = await getJson("/reports/indicators?" + params);
  const body = $("report-table").tBodies[0];
  const rows = report.rows.map((r, i) =>
    `<tr><td>${i + 1}</td><td class="name">${escapeHtml(r.name)}</td><td>${r.in_period.enterprises}</td>` +
    `<td>${r.in_period.candidates_proposed}</td><td>${r.cumulative.enterprises}</td><td>${r.cumulative.candidates_proposed}</td></tr>`);
  const t = report.totals;
  rows.push(`<tr class="totals"><td></td><td class="name">Tổng cộng</td><td>${t.in_period.enterprises}</td>` +
    `<td>${t.in_period.candidates_proposed}</td><td>${t.cumulative.enterprises}</td><td>${t.cumulative.candidates_proposed}</td></tr>`);
  body.innerHTML = rows.join("");
  draw("chart-units", {
    type: "bar",
    data: {
      labels: report.rows.map((r) => r.name),
      datasets: [
        { label: "Quần chúng ưu tú được giới thiệu (trong kỳ)", data: report.rows.map((r) => r.in_period.candidates_proposed), backgroundColor: "#c62828" },
        { label: "Doanh nghiệp (trong kỳ)", data: report.rows.map((r) => r.in_period.enterprises), backgroundColor: "#ef9a9a" },
      ],
    },
    options: { plugins: { title: { display: true, text: "Kết quả theo đơn vị trực thuộc" } } },
  });
}

async function showTrend(params) {
  const trend = await getJson("/reports/trend?" + params);
  draw("chart-trend", {
    type: "line",
    data: {
      labels: trend.months.map((m) => m.month),
      datasets: [
        { label: "Quần chúng ưu tú được giới thiệu", data: trend.months.map((m) => m.candidates_proposed), borderColor: "#c62828", backgroundColor: "#c62828" },
        { label: "Doanh nghiệp đăng ký", data: trend.months.map((m) => m.enterprises), borderColor: "#555", backgroundColor: "#555" },
      ],
    },
    options: { plugins: { title: { display: true, text: "Diễn biến theo tháng" } } },
  });
}

async function showChannels(params) {
  const report = await getJson("/reports/admissions?" + params);
  const rows = report.rows.filter((r) => r.total > 0);
  draw("chart-channels", {
    type: "doughnut",
    data: {
      labels: rows.map((r) => r.label),
      datasets: [{ label: "Quần chúng ưu tú", data: rows.map((r) => r.total),
        backgroundColor: ["#c62828", "#ef6c00", "#f9a825", "#2e7d32", "#1565c0", "#6a1b9a", "#757575"] }],
    },
    options: { plugins: { title: { display: true, text: `Nguồn giới thiệu quần chúng ưu tú (${report.total})` } } },
  });
}

function percent(value) { return value === null || value === undefined ? "—" : (value * 100).toFixed(1) + "%"; }

async function showPlans(params) {
  const authority = params.get("authority_id");
  const asOf = params.get("to");
  const listed = await getJson("/plans?authority_id=" + encodeURIComponent(authority));
  const rows = [];
  const labels = [];
  const achieved = [];
  const expected = [];
  for (const plan of listed.plans) {
    const progress = await getJson(`/plans/${encodeURIComponent(plan.plan_id)}/progress?as_of=${asOf}`);
    const exportLinks = `<a href="/plans/${encodeURIComponent(plan.plan_id)}/progress.xlsx?as_of=${asOf}">Excel</a> · ` +
      `<a href="/plans/${encodeURIComponent(plan.plan_id)}/progress.pdf?as_of=${asOf}">PDF</a>`;
    for (const target of progress.targets) {
      const verdict = target.behind_schedule === null ? "Chưa có số liệu"
        : target.behind_schedule ? '<span class="behind">Chậm tiến độ</span>' : '<span class="on-track">Đạt tiến độ</span>';
      const received = progress.received_from ? ` <span class="muted">(kế hoạch của cấp trên)</span>` : "";
      rows.push(`<tr><td class="name">${escapeHtml(progress.title)}${received}</td><td class="name">${escapeHtml(target.label)}</td>` +
        `<td>${target.target}</td><td>${target.achieved ?? "—"}</td><td>${percent(target.progress)}</td>` +
        `<td>${percent(target.expected_share)}</td><td>${verdict}</td><td>${exportLinks}</td></tr>`);
      if (target.progress !== null) {
        labels.push(target.label);
        achieved.push(Math.round(target.progress * 1000) / 10);
        expected.push(Math.round(target.expected_share * 1000) / 10);
      }
    }
  }
  rows.push(...(await assignedShareRows(authority, asOf)));
  $("plans-table").tBodies[0].innerHTML = rows.join("") ||
    '<tr><td class="name" colspan="8">Đơn vị chưa có kế hoạch.</td></tr>';
  draw("chart-plans", {
    type: "bar",
    data: {
      labels,
      datasets: [
        { label: "Đã đạt (%)", data: achieved, backgroundColor: "#c62828" },
        { label: "Tiến độ yêu cầu (%)", data: expected, backgroundColor: "#bdbdbd" },
      ],
    },
    options: { indexAxis: "y", plugins: { title: { display: true, text: "Tiến độ thực hiện chỉ tiêu" } } },
  });
}

// Shares of superiors' plans given to the authority or its subordinates (GET /plans/assigned),
// measured on this stack's own records.
async function assignedShareRows(authority, asOf) {
  let assigned;
  try {
    assigned = await getJson(`/plans/assigned?authority_id=${encodeURIComponent(authority)}&as_of=${asOf}`);
  } catch (error) {
    return [];
  }
  return assigned.assigned.map((share) => {
    const verdict = share.behind_schedule === null ? "Chưa có số liệu"
      : share.behind_schedule ? '<span class="behind">Chậm tiến độ</span>' : '<span class="on-track">Đạt tiến độ</span>';
    return `<tr><td class="name">Chỉ tiêu cấp trên giao: ${escapeHtml(share.title)} ` +
      `<span class="muted">(${escapeHtml(share.plan_authority_name)})</span></td>` +
      `<td class="name">${escapeHtml(share.label)} — ${escapeHtml(share.authority_name)}</td>` +
      `<td>${share.target}</td><td>${share.achieved ?? "—"}</td><td>${percent(share.progress)}</td>` +
      `<td>${percent(share.expected_share)}</td><td>${verdict}</td><td>—</td></tr>`;
  });
}

async function load() {
  document.body.dataset.ready = "0";
  $("error").textContent = "";
  const params = query();
  $("export-xlsx").href = "/reports/indicators.xlsx?" + params;
  $("export-pdf").href = "/reports/indicators.pdf?" + params;
  $("export-admissions-xlsx").href = "/reports/admissions.xlsx?" + params;
  $("export-admissions-pdf").href = "/reports/admissions.pdf?" + params;
  history.replaceState(null, "", "?" + params);
  try {
    await Promise.all([showReport(params), showTrend(params), showChannels(params), showPlans(params), showFactReport(params)]);
  } catch (error) {
    explain("Không tải được số liệu: ", error);
  }
  document.body.dataset.ready = "1";
}

/* The authorities the caller may view, then the chosen one's reports. */
async function openDashboard() {
  document.body.dataset.ready = "0";
  $("error").textContent = "";
  const given = new URLSearchParams(location.search);
  try {
    fillAuthorities(await getJson(indicatorsUrl()), $("authority").value || given.get("authority_id"));
  } catch (error) {
    explain("Không tải được danh sách đơn vị: ", error);
  }
  if ($("authority").value) await load();
  else document.body.dataset.ready = "1";
}

async function start() {
  const given = new URLSearchParams(location.search);
  const today = new Date();
  $("from").value = given.get("from") || iso(new Date(Date.UTC(today.getFullYear(), 0, 1)));
  $("to").value = given.get("to") || iso(today);
  $("as-of").value = given.get("as_of") || "";
  $("pickers").addEventListener("submit", (event) => { event.preventDefault(); load(); });
  $("authority").addEventListener("change", load);
  $("as-of").addEventListener("change", changeAsOf);
  $("sign-in").addEventListener("submit", signIn);
  $("sign-out").addEventListener("click", signOut);
  await openDashboard();
}

/* Fact reports: the coverage chart, and the chosen report's tables (one per section) with its exports. */
function factTable(section) {
  const head = `<tr><th>STT</th><th>${escapeHtml(section.row_label)}</th>` +
    section.columns.map((c) => `<th>${escapeHtml(c.label)}</th>`).join("") + "</tr>";
  const cells = (values) => section.columns.map((c) => `<td>${escapeHtml(values[c.key] ?? "")}</td>`).join("");
  const rows = section.rows.map((r, i) => `<tr><td>${i + 1}</td><td class="name">${escapeHtml(r.label)}</td>${cells(r.values)}</tr>`);
  if (section.totals) rows.push(`<tr class="totals"><td></td><td class="name">Tổng cộng</td>${cells(section.totals)}</tr>`);
  if (!section.rows.length) rows.push(`<tr><td class="name" colspan="${section.columns.length + 2}">Không có.</td></tr>`);
  return `<h3>${escapeHtml(section.title)}</h3><table class="fact-table" data-section="${escapeHtml(section.key)}">` +
    `<thead>${head}</thead><tbody>${rows.join("")}</tbody></table>`;
}

async function showCoverage(params) {
  const report = await getJson("/reports/coverage?" + params);
  const units = report.sections.find((s) => s.key === "units");
  const series = [
    ["enterprises", "#bdbdbd"], ["with_trade_union", "#1565c0"], ["with_party_organization", "#c62828"],
    ["members_without_organization", "#f9a825"],
  ];
  draw("chart-coverage", {
    type: "bar",
    data: {
      labels: units.rows.map((r) => r.label),
      datasets: series.map(([key, color]) => ({
        label: units.columns.find((c) => c.key === key).label, data: units.rows.map((r) => r.values[key]), backgroundColor: color,
      })),
    },
    options: { plugins: { title: { display: true, text: `Doanh nghiệp có công đoàn, tổ chức đảng (ngày ${report.as_of})` } } },
  });
  return report;
}

async function showFactReport(params) {
  const name = $("fact-report").value;
  $("fact-export-xlsx").href = `/reports/${name}.xlsx?` + params;
  $("fact-export-pdf").href = `/reports/${name}.pdf?` + params;
  const coverage = await showCoverage(params);
  const report = name === "coverage" ? coverage : await getJson(`/reports/${name}?` + params);
  $("fact-report-tables").innerHTML = `<p class="muted">${escapeHtml(report.title)} — ${escapeHtml(report.authority_name)}, ` +
    `tính đến ngày ${escapeHtml(report.as_of)}. ${report.notes.map(escapeHtml).join(" ")}</p>` +
    report.sections.map(factTable).join("");
}

$("fact-report").addEventListener("change", () => {
  showFactReport(query()).catch((error) => explain("Không tải được báo cáo: ", error));
});

start();
