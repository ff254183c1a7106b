/* Helpers every page uses: the token, calls through the /api proxy, Vietnamese labels, problem+json display.
   No framework, nothing fetched from the internet. Page scripts live in their templates. */
"use strict";
const KN = (() => {
  const KEY = "kn-token";
  const L = window.NHAN || {};

  function token() { return sessionStorage.getItem(KEY); }
  function setToken(value) { sessionStorage.setItem(KEY, value.trim().replace(/^Bearer\s+/i, "")); }
  function logout() { sessionStorage.removeItem(KEY); }

  /* The JWT payload, decoded for display only (the services verify the signature). */
  function decode(jwt) {
    const part = (jwt || "").split(".")[1];
    if (!part) return null;
    try {
      const b64 = part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "=");
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      return JSON.parse(new TextDecoder().decode(bytes));
    } catch (e) { return null; }
  }
  function claims() {
    const c = decode(token());
    if (!c || !c.role) return null;
    if (c.exp && c.exp * 1000 < Date.now()) return null;
    return c;
  }

  class ApiError extends Error {
    constructor(status, problem) { super(problem.detail || problem.title || "Lỗi " + status); this.status = status; this.problem = problem; }
  }

  /* Call a service through the proxy: api("intake/petitions", {method, json, form, query}). */
  async function api(path, opts = {}) {
    const headers = { Accept: "application/json" };
    if (token()) headers.Authorization = "Bearer " + token();
    let body;
    if (opts.json !== undefined) { headers["Content-Type"] = "application/json"; body = JSON.stringify(opts.json); }
    else if (opts.form) body = opts.form;
    let url = "/api/" + path;
    if (opts.query) {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(opts.query)) if (v !== undefined && v !== null && v !== "") q.append(k, v);
      if ([...q].length) url += (url.includes("?") ? "&" : "?") + q;
    }
    let response;
    try { response = await fetch(url, { method: opts.method || (body ? "POST" : "GET"), headers, body }); }
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
    return m ? `${m[3]}/${m[2]}/${m[1]}` : new Date(s).toLocaleDateString("vi-VN", TZ);
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
  /* table([{label, value: row => node|text, num?, cls?}], rows, "Không có dữ liệu") */
  function table(columns, rows, empty) {
    if (!rows.length) return h("p", { class: "empty" }, empty || "Không có dữ liệu.");
    return h("div", { class: "table-wrap" }, h("table", {},
      h("thead", {}, h("tr", {}, columns.map((c) => h("th", { class: cls(c) }, c.label)))),
      h("tbody", {}, rows.map((r) => h("tr", {}, columns.map((c) => h("td", { class: cls(c), "data-label": c.label }, c.value(r))))))));
  }

  /* Values of a form's named fields; empty ones left out. */
  function values(form) {
    const out = {};
    for (const [k, v] of new FormData(form).entries()) if (typeof v === "string" && v.trim() !== "") out[k] = v.trim();
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

  /* Show an error: the problem's title and detail in `box`, each field error next to its field in `form`. */
  function showError(box, err, form) {
    const p = (err && err.problem) || { title: "Lỗi", detail: String(err && err.message || err) };
    if (form) clearErrors(form);
    box.replaceChildren();
    box.className = "notice error";
    box.hidden = false;
    const head = h("strong", {}, p.title || "Lỗi");
    const fieldErrors = p.errors || [];
    box.append(head, " ", fieldErrors.length && form ? `Có ${fieldErrors.length} chỗ cần sửa (ghi chú màu đỏ bên dưới từng ô).` : (p.detail || ""));
    if (err && err.status === 401) box.append(" ", h("a", { href: "/dang-nhap" }, "Đăng nhập lại"));
    if (err && err.status === 403) box.append(" ", "(vai trò đang đăng nhập: ", label("role", (claims() || {}).role), ")");
    const loose = [];
    for (const e of fieldErrors) {
      const field = form && form.querySelector(`[data-field="${CSS.escape(e.field)}"], [name="${CSS.escape(e.field)}"]`);
      if (field) {
        field.classList.add("invalid");
        field.insertAdjacentElement("afterend", h("div", { class: "field-error", role: "alert" }, say(e.field, e.message)));
      } else loose.push(e);
    }
    if (loose.length) box.append(h("ul", {}, loose.map((e) => h("li", {}, h("code", {}, e.field), ": ", say(e.field, e.message)))));
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

  function requireLogin() {
    const ok = !!claims();
    const box = $("#login-needed");
    if (box) box.hidden = ok;
    return ok;
  }

  function initChrome() {
    const c = claims();
    const role = c && c.role;
    document.querySelectorAll("[data-roles]").forEach((n) => { n.hidden = !role || !n.dataset.roles.split(" ").includes(role); });
    const who = $("#who-text"), link = $("#who-link");
    if (c && who) {
      who.textContent = `${c.sub} · ${label("role", c.role)}${c.agency ? " · " + c.agency : ""}`;
      link.textContent = "Đổi / đăng xuất";
    }
    if (document.body.dataset.needsLogin !== undefined) requireLogin();
  }
  document.addEventListener("DOMContentLoaded", initChrome);

  return { token, setToken, logout, decode, claims, api, items, h, $, label, badge, date, datetime, percent,
           ratio, table, highlight, clip, similarTable, values, clearErrors, showError, notice, busy, pagedList,
           units, agencies, named, nameCell, fillSelect, requireLogin, ApiError, say };
})();
