/* Helpers every page uses: the signed-in officer, calls through the /api proxy (the session cookie goes along), Vietnamese labels, problem+json display.
   No framework, nothing fetched from the internet. Page scripts live in their templates. */
"use strict";
const KN = (() => {
  const L = window.NHAN || {};

  /* The signed-in officer, as the server rendered them into the page (the session is an HttpOnly cookie). */
  function claims() { return window.KN_USER || null; }

  class ApiError extends Error {
    constructor(status, problem) { super(problem.detail || problem.title || "Lỗi " + status); this.status = status; this.problem = problem; }
  }

  /* Call a service through the proxy: api("intake/petitions", {method, json, form, query}); a path starting
     with "/" is this site's own (the accounts API, /auth/...). */
  async function api(path, opts = {}) {
    const headers = { Accept: "application/json", ...(opts.headers || {}) };
    let body;
    if (opts.json !== undefined) { headers["Content-Type"] = "application/json"; body = JSON.stringify(opts.json); }
    else if (opts.form) body = opts.form;
    let url = path.startsWith("/") ? path : "/api/" + path;
    if (opts.query) {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(opts.query)) for (const one of [].concat(v)) if (one !== undefined && one !== null && one !== "") q.append(k, one);
      if ([...q].length) url += (url.includes("?") ? "&" : "?") + q;
    }
    let response;
    try { response = await fetch(url, { method: opts.method || (body ? "POST" : "GET"), headers, body, credentials: "same-origin" }); }
    catch (e) { throw new ApiError(0, { title: "Mất kết nối", detail: "Không gửi được yêu cầu tới máy chủ. Kiểm tra mạng rồi thử lại." }); }
    const text = await response.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch (e) { data = { detail: text }; }
    if (!response.ok) throw new ApiError(response.status, data || {});
    return data;
  }
  const items = (data) => (Array.isArray(data) ? data : (data && data.items) || []);

  /* h("a", {href: "/x", class: "y"}, "text", child): DOM built from text, never from HTML strings. */
  function h(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else if (k === "class") node.className = v;
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) if (c !== undefined && c !== null && c !== false)
      node.append(c instanceof Node ? c : String(c));
    return node;
  }
  const $ = (sel, root = document) => root.querySelector(sel);
  const label = (kind, key) => (key === null || key === undefined || key === "") ? "—" : ((L[kind] || {})[key] || key);
  const badge = (status) => h("span", { class: "badge st-" + status }, label("status", status));

  const TZ = { timeZone: "Asia/Ho_Chi_Minh" };
  function date(s) {
    if (!s) return "—";
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
    return m ? `${m[3]}/${m[2]}/${m[1]}` : new Date(s).toLocaleDateString("vi-VN", { ...TZ, day: "2-digit", month: "2-digit", year: "numeric" });
  }
  function datetime(s) {
    if (!s) return "—";
    const d = new Date(s);
    const time = d.toLocaleTimeString("vi-VN", { ...TZ, hour: "2-digit", minute: "2-digit" });
    return `${d.toLocaleDateString("vi-VN", { ...TZ, day: "2-digit", month: "2-digit", year: "numeric" })} ${time}`;
  }
  const percent = (x) => (x === null || x === undefined) ? "—" : Number(x).toLocaleString("vi-VN", { maximumFractionDigits: 1 }) + "%";
  const ratio = (x) => (x === null || x === undefined) ? "—" : (x * 100).toLocaleString("vi-VN", { maximumFractionDigits: 1 }) + "%";

  /* The text with the given words (as the search returned them) in <mark>, matched as whole words. */
  function highlight(text, words) {
    if (!words || !words.length) return text;
    const escaped = [...words].sort((a, b) => b.length - a.length).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    const re = new RegExp(`(?<![\\p{L}\\p{N}])(${escaped.join("|")})(?![\\p{L}\\p{N}])`, "gu");
    return text.split(re).map((part, i) => (i % 2 ? h("mark", {}, part) : part));
  }
  const clip = (text, n) => (text.length > n ? text.slice(0, n) + "…" : text);

  /* Earlier petitions like this one: table with place, outcome and an optional action per row. */
  function similarTable(list, units, action) {
    return table([
      { label: "Mã", value: (x) => h("a", { href: "/kien-nghi/" + x.id, target: "_blank" }, x.code) },
      { label: "Ngày", value: (x) => date(x.created_at) },
      { label: "Nơi", value: (x) => [named(units, x.unit_code), h("div", { class: "hint" }, label("place", x.place || ""))] },
      { label: "Nội dung", value: (x) => h("div", { class: "clip" }, clip(x.content, 200)) },
      { label: "Giống", num: true, value: (x) => ratio(x.score) },
      { label: "Kết quả", value: (x) => [badge(x.latest_status), x.agency_code ? h("div", { class: "hint" }, x.agency_code) : ""] },
      { label: "", value: (x) => (action ? action(x) : "") },
    ], list, "Không thấy kiến nghị tương tự trước đây.");
  }

  const cls = (c) => [c.num ? "num" : "", c.cls || ""].join(" ").trim() || null;
  /* Vietnamese order (diacritics after their letter, "đ" after "d"), numbers and dates by value, blanks last. */
  const collator = new Intl.Collator("vi", { numeric: true, sensitivity: "base" });
  function compare(a, b) {
    const blank = (x) => x === null || x === undefined || x === "";
    if (blank(a) || blank(b)) return blank(a) - blank(b);
    return typeof a === "number" && typeof b === "number" ? a - b : collator.compare(String(a), String(b));
  }
  /* A list page's sort order: which column (its API field) and which way; the export follows it. */
  function sortOrder(onChange) { return { key: null, order: "asc", onChange }; }
  function sorted(rows, columns, sort) {
    const column = sort && columns.find((c) => c.key === sort.key);
    if (!column) return rows;
    const value = column.sortValue || ((r) => r[column.key]);
    const sign = sort.order === "desc" ? -1 : 1;
    return [...rows].sort((a, b) => {
      const x = value(a), y = value(b);
      const blank = (v) => v === null || v === undefined || v === "";
      return blank(x) || blank(y) ? compare(x, y) : sign * compare(x, y);
    });
  }
  function header(c, sort) {
    if (!sort || !c.key) return h("th", { class: cls(c) }, c.label);
    const active = sort.key === c.key;
    const button = h("button", { type: "button", class: "sort", title: "Sắp xếp theo " + c.label.toLowerCase(),
      onclick: () => { sort.order = active && sort.order === "asc" ? "desc" : "asc"; sort.key = c.key; sort.onChange(); } },
      c.label, active ? (sort.order === "asc" ? " ▲" : " ▼") : "");
    return h("th", { class: cls(c), "aria-sort": active ? (sort.order === "asc" ? "ascending" : "descending") : "none" }, button);
  }
  /* table([{label, value: row => node|text, num?, cls?, key?, sortValue?}], rows, "Không có dữ liệu", sort?):
     with a sort order, the columns with a key sort the rows when their header is clicked. */
  function table(columns, rows, empty, sort) {
    if (!rows.length) return h("p", { class: "empty" }, empty || "Không có dữ liệu.");
    return h("div", { class: "table-wrap" }, h("table", {},
      h("thead", {}, h("tr", {}, columns.map((c) => header(c, sort)))),
      h("tbody", {}, sorted(rows, columns, sort).map((r) => h("tr", {}, columns.map((c) => h("td", { class: cls(c), "data-label": c.label }, c.value(r))))))));
  }
  /* Where a list page's XLSX comes from: its filters and its sort order (the web service builds the file). */
  function exportHref(name, query, sort) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query || {})) if (v !== undefined && v !== null && v !== "") q.append(k, v);
    if (sort && sort.key) { q.append("sort", sort.key); q.append("order", sort.order); }
    return `/xuat/${name}.xlsx` + ([...q].length ? "?" + q : "");
  }

  /* Dates are shown and typed as dd/mm/yyyy, whatever the browser's language: every date field of a page
     becomes a text field (data-date), and values() hands the services ISO dates. */
  const DMY = /^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$/;
  function isoDate(text) {
    const m = DMY.exec(text || "");
    return m ? `${m[3]}-${m[2].padStart(2, "0")}-${m[1].padStart(2, "0")}` : text;
  }
  function dmy(iso) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    return m ? `${m[3]}/${m[2]}/${m[1]}` : (iso || "");
  }
  function typedDates(root) {
    root.querySelectorAll('input[type="date"]').forEach((input) => {
      const value = input.value;
      input.type = "text";
      input.dataset.date = "";
      input.placeholder = "dd/mm/yyyy";
      input.inputMode = "numeric";
      input.autocomplete = "off";
      input.value = dmy(value);
    });
  }
  if (typeof document.querySelectorAll === "function") typedDates(document);  // app.js runs deferred: the page is parsed

  /* Values of a form's named fields; empty ones left out; dd/mm/yyyy dates as ISO. */
  function values(form) {
    const out = {};
    for (const [k, v] of new FormData(form).entries()) if (typeof v === "string" && v.trim() !== "") out[k] = v.trim();
    form.querySelectorAll("input[data-date][name]").forEach((input) => { if (out[input.name]) out[input.name] = isoDate(out[input.name]); });
    return out;
  }

  function clearErrors(root) {
    root.querySelectorAll(".field-error").forEach((n) => n.remove());
    root.querySelectorAll(".invalid").forEach((n) => n.classList.remove("invalid"));
  }

  /* The services' validation messages, some still in the validator's English, as an officer reads them. */
  const MESSAGES = [
    [/^Value error, /, ""],
    [/^Field required$/, "Bắt buộc nhập"],
    [/^Input should be a valid UUID.*/, "Chưa chọn hoặc không hợp lệ"],
    [/^String should have at least (\d+) characters?$/, "Cần ít nhất $1 ký tự"],
    [/^String should have at most (\d+) characters?$/, "Tối đa $1 ký tự"],
    [/^Input should be greater than or equal to (\S+)$/, "Phải từ $1 trở lên"],
    [/^Input should be less than or equal to (\S+)$/, "Phải không quá $1"],
    [/^Input should be a valid integer.*/, "Phải là số nguyên"],
    [/^Input should be a valid number.*/, "Phải là số"],
    [/^Input should be a valid date.*/, "Ngày không hợp lệ"],
    [/^Input should be (('[^']*'(, | or )?)+)$/, "Phải là một trong: $1"],
    [/^Extra inputs are not permitted$/, "Trường không được phép"],
  ];
  function say(field, message) {
    if (/phone$/.test(field) && /pattern/.test(message)) return "Số điện thoại không đúng dạng: 6–20 chữ số, có thể có dấu cách, chấm, gạch ngang, dấu + ở đầu";
    if (/pattern/.test(message)) return "Không đúng định dạng";
    return MESSAGES.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), message);
  }

  /* A service's sentence as an officer reads it: role keys (secretariat, agency …) by their Vietnamese names. */
  const plain = (text) => String(text).replace(/\b(secretariat|agency|committee|admin)\b/g, (role) => label("role", role));
  /* A field the page has no box for, named in Vietnamese (the request's own name only as a last resort). */
  const fieldName = (field) => (L.field || {})[field.split(".")[0]] || "Thông tin";

  /* Show an error: the problem's title and detail in `box`, each field error next to its field in `form`. */
  function showError(box, err, form) {
    const p = (err && err.problem) || { title: "Lỗi", detail: String(err && err.message || err) };
    if (form) clearErrors(form);
    box.replaceChildren();
    box.className = "notice error";
    box.hidden = false;
    const head = h("strong", {}, p.title || "Lỗi");
    const fieldErrors = p.errors || [];
    box.append(head, " ", fieldErrors.length && form ? `Có ${fieldErrors.length} chỗ cần sửa (ghi chú màu đỏ bên dưới từng ô).` : plain(p.detail || ""));
    if (err && err.status === 401) box.append(" Phiên đăng nhập đã hết hạn. ", h("a", { href: "/dang-nhap?next=" + encodeURIComponent(location.pathname + location.search) }, "Đăng nhập lại"));
    if (err && err.status === 403) box.append(" ", "(tài khoản đang đăng nhập: ", label("role", (claims() || {}).role), ")");
    const loose = [];
    for (const e of fieldErrors) {
      const field = form && form.querySelector(`[data-field="${CSS.escape(e.field)}"], [name="${CSS.escape(e.field)}"]`);
      if (field) {
        field.classList.add("invalid");
        field.insertAdjacentElement("afterend", h("div", { class: "field-error", role: "alert" }, say(e.field, e.message)));
      } else loose.push(e);
    }
    if (loose.length) box.append(h("ul", {}, loose.map((e) => h("li", {}, h("strong", {}, fieldName(e.field)), ": ", say(e.field, e.message)))));
    box.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }
  function notice(box, text, kind) {
    box.className = "notice " + (kind || "ok");
    box.hidden = false;
    box.replaceChildren(...[].concat(text));
  }

  /* Run `work` with the button disabled; errors go to `box` (and next to fields of `form`). */
  async function busy(button, box, form, work) {
    if (button) button.disabled = true;
    if (box) box.hidden = true;
    if (form) clearErrors(form);
    try { return await work(); }
    catch (err) { if (box) showError(box, err, form); else throw err; }
    finally { if (button) button.disabled = false; }
  }

  /* The one paged-list loader of the pages: keeps the cursor and the rows shown so far, and "Xem thêm"
     (`more`) asks for the next page. `fetchPage(cursor)` reads one page (cursor undefined: the first);
     `render({ shown, added, append, hasMore })` draws it. Returns load(append). */
  function pagedList({ more, msg, form = null, fetchPage, render }) {
    let cursor = null, shown = [];
    async function load(append) {
      await busy(more, msg, form, async () => {
        const page = await fetchPage(append ? cursor : undefined);
        const added = items(page);
        shown = append ? shown.concat(added) : added;
        cursor = page.next_cursor;
        render({ shown, added, append, hasMore: !!cursor });
        more.hidden = !cursor;
      });
    }
    more.addEventListener("click", () => load(true));
    return load;
  }

  let unitCache, agencyCache;
  async function units() {
    if (!unitCache) unitCache = api("routing/units").then(items).catch(() => { unitCache = null; return []; });
    return unitCache;
  }
  async function agencies() {
    if (!agencyCache) agencyCache = api("routing/agencies").then(items).catch(() => { agencyCache = null; return []; });
    return agencyCache;
  }
  const named = (list, code) => { const x = list.find((u) => u.code === code); return x ? `${x.name} (${code})` : (code || "—"); };
  /* A name with its code underneath, for table cells. */
  const nameCell = (list, code) => { const x = code && list.find((u) => u.code === code); return x ? h("span", {}, x.name, h("span", { class: "code-hint" }, code)) : (code || "—"); };

  /* Options "Tên (mã)" of units or agencies for a <select>, grouped by level. */
  function fillSelect(select, list, placeholder) {
    select.replaceChildren(h("option", { value: "" }, placeholder || "— Chọn —"));
    for (const level of Object.keys(L.level)) {
      const group = list.filter((x) => x.level === level);
      if (group.length) select.append(h("optgroup", { label: label("level", level) },
        group.map((x) => h("option", { value: x.code }, `${x.name} (${x.code})`))));
    }
  }

  /* Pages are served only to a signed-in officer whose role may use them (the server checks). */
  const requireLogin = () => !!claims();

  function initChrome() {
    const role = (claims() || {}).role;
    document.querySelectorAll("[data-roles]").forEach((n) => { n.hidden = !role || !n.dataset.roles.split(" ").includes(role); });
  }
  document.addEventListener("DOMContentLoaded", initChrome);

  const actor = (by) => label("actor", by);  // a service's name in Vietnamese; an officer's user name as it is
  /* A line of routing's explanation as an officer reads it: no rule ids ("[duong_xa_thon]"), shares
     (0.86) as percentages (86%). */
  const prose = (line) => String(line).replace(/\s*\[[a-z0-9_.-]+\]/g, "")
    .replace(/(^|[^\d.,])(0[.,]\d{1,4}|1[.,]0{1,4})(?![\d.,]*\d)/g, (_, before, share) => before + ratio(Number(share.replace(",", "."))));

  /* Correcting or withdrawing a session or meeting from its list row (intake keeps the history with the
     reason): the fields prefilled; only what changed is sent. `done(text)` reloads the list. */
  function correctionPanel(box, path, record, fields, done) {
    const field = (f) => [h("label", { for: "c-" + f.name }, f.label),
      h("input", { id: "c-" + f.name, name: f.name, type: f.type || "text", value: record[f.name] ?? "" })];
    const form = h("form", { novalidate: true, class: "card" }, h("h3", {}, "Đính chính hoặc rút"), ...fields.map(field),
      h("label", { for: "c-reason" }, "Lý do ", h("span", { class: "hint" }, "(bắt buộc; được ghi vào lịch sử)")),
      h("input", { id: "c-reason", name: "reason", required: true, maxlength: "2000" }),
      h("div", { class: "actions" }, h("button", { type: "submit" }, "Lưu đính chính"),
        h("button", { type: "button", class: "secondary", "data-withdraw": "" }, "Rút (không xoá)"),
        h("button", { type: "button", class: "secondary", "data-cancel": "" }, "Huỷ")),
      h("div", { hidden: true, "data-msg": "" }));
    const msg = form.querySelector("[data-msg]");
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      busy(form.querySelector("button[type=submit]"), msg, form, async () => {
        const v = values(form), body = { reason: v.reason || null };
        for (const f of fields) if ((v[f.name] || "") !== String(record[f.name] ?? "")) body[f.name] = v[f.name] || null;
        await api(path, { method: "PATCH", json: body });
        box.replaceChildren(); done("Đã lưu đính chính.");
      });
    });
    form.querySelector("[data-withdraw]").addEventListener("click", (ev) => {
      if (!confirm("Rút bản ghi này? Bản ghi vẫn được lưu, có ghi lý do.")) return;
      busy(ev.target, msg, form, async () => {
        await api(path + "/withdrawal", { json: { reason: values(form).reason || null } });
        box.replaceChildren(); done("Đã rút.");
      });
    });
    form.querySelector("[data-cancel]").addEventListener("click", () => box.replaceChildren());
    box.replaceChildren(form);
    form.querySelector("input").focus();
  }

  return { claims, api, isoDate, dmy, typedDates, actor, plain, prose, sortOrder, sorted, compare, exportHref, items, h, $, label, badge, date, datetime, percent,
           ratio, table, highlight, clip, similarTable, values, clearErrors, showError, notice, busy, pagedList, units, agencies, named, nameCell, fillSelect,
           requireLogin, ApiError, say, correctionPanel };
})();
