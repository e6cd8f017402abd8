// The console page: a chat pane over the JSON API, live updates over SSE. Cards arrive already
// rendered (and escaped) by the server's HTML renderer.
const $ = (sel) => document.querySelector(sel);
const params = new URLSearchParams(location.search);
const state = { thread: params.get('thread'), source: null };

const userInput = $('#user');
userInput.value = params.get('user') || localStorage.getItem('gl-user') || 'alice';
userInput.addEventListener('change', () => {
  localStorage.setItem('gl-user', userInput.value);
  syncUrl();
});

function syncUrl() {
  const p = new URLSearchParams();
  p.set('user', userInput.value);
  if (state.thread) p.set('thread', state.thread);
  history.replaceState(null, '', `?${p}`);
}

// Signed in (OpenID Connect): the server knows who this is and the name box is fixed. Local mode:
// the name is self-declared, said so on the page, and never counts where sign-in is required.
const me = await api('GET', '/api/me').catch(() => ({ mode: 'local' }));
const signedIn = me.mode === 'signed-in';
if (signedIn) {
  userInput.value = me.name;
  userInput.disabled = true;
  $('#who-label').firstChild.textContent = 'Signed in as ';
}
$('#mode').textContent = signedIn ? '' : 'local mode: self-declared names';
$('#mode').hidden = signedIn;
function who() {
  return signedIn ? {} : { user: userInput.value };
}

function notice(text) {
  const el = $('#notice');
  el.textContent = text;
  el.hidden = !text;
}

async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok)
    throw Object.assign(new Error(json.error ? `${json.error.message} ${json.error.next ?? ''}` : `HTTP ${res.status}`), {
      status: res.status,
    });
  return json;
}

function upsert(message) {
  const list = $('#messages');
  list.querySelector('.hint')?.remove();
  let el = document.getElementById(`m-${message.id}`);
  if (!el) {
    el = document.createElement('div');
    el.id = `m-${message.id}`;
    el.dataset.seq = message.seq;
    const after = [...list.children].find((c) => Number(c.dataset.seq) > message.seq);
    list.insertBefore(el, after ?? null);
  }
  const mine = message.author !== 'greenlight';
  el.className = mine ? 'msg msg-user' : 'msg msg-bot';
  if (mine) {
    el.innerHTML = '<div class="who"></div><div class="bubble"></div>';
    el.querySelector('.who').textContent = message.author.replace(/^console:/, '');
    el.querySelector('.bubble').textContent = message.card.blocks[0]?.text ?? '';
  } else {
    el.innerHTML = message.html;
    hideApproveUnlessMay(el);
  }
  list.scrollTop = list.scrollHeight;
  markSeen();
}

// Approve is shown only to people who may approve (the server still decides every click).
async function hideApproveUnlessMay(el) {
  const button = el.querySelector('button[data-action="approve"]');
  if (!button) return;
  const q = signedIn ? '' : `?user=${encodeURIComponent(userInput.value)}`;
  const may = await api('GET', `/api/requests/${encodeURIComponent(button.dataset.request)}/may-approve${q}`).catch(() => null);
  if (!may || may.allowed) return;
  el.querySelector('input.gl-type-confirm')?.remove();
  const why = document.createElement('span');
  why.className = 'gl-muted gl-why-not';
  why.textContent = `You cannot approve this: ${may.reason}`;
  button.replaceWith(why);
}

async function openThread(id) {
  state.thread = id;
  syncUrl();
  state.source?.close();
  $('#messages').innerHTML = '';
  if (!id) return;
  const thread = await api('GET', `/api/threads/${id}`);
  thread.messages.forEach(upsert);
  state.source = new EventSource(`/api/threads/${id}/events`);
  state.source.addEventListener('message', (e) => upsert(JSON.parse(e.data)));
  loadThreads();
}

// The thread list: what was asked, its stack and status, who asked; mine / waiting for me / all;
// a dot on threads changed since this browser last showed them.
const seen = JSON.parse(localStorage.getItem('gl-seen') || '{}');
let filter = localStorage.getItem('gl-filter') || 'all';
let threads = [];

function markSeen() {
  if (!state.thread) return;
  seen[state.thread] = new Date().toISOString();
  localStorage.setItem('gl-seen', JSON.stringify(seen));
}

async function loadThreads() {
  const q = signedIn ? '' : `?user=${encodeURIComponent(userInput.value)}`;
  ({ threads } = await api('GET', `/api/threads${q}`));
  renderThreads();
}

function renderThreads() {
  for (const b of document.querySelectorAll('#filters button')) b.setAttribute('aria-pressed', String(b.dataset.filter === filter));
  const ul = $('#threads');
  ul.innerHTML = '';
  const shown = threads.filter((t) => filter === 'all' || (filter === 'mine' ? t.mine : t.waitingForMe));
  if (!shown.length) {
    const li = document.createElement('li');
    li.className = 'gl-muted';
    li.textContent = filter === 'waiting' ? 'Nothing waits for you.' : 'No threads yet.';
    ul.append(li);
  }
  for (const t of shown) {
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.href = `?thread=${t.id}`;
    a.className = `thread${t.id === state.thread ? ' current' : ''}`;
    const unread = t.id !== state.thread && (!seen[t.id] || seen[t.id] < t.lastAt);
    a.innerHTML = '<span class="t-title"></span><span class="t-meta"></span>';
    a.querySelector('.t-title').textContent = `${unread ? '● ' : ''}${t.title}`;
    a.querySelector('.t-meta').textContent = t.request
      ? `${t.request.stack} · ${t.request.status.replace('_', ' ')} · ${t.request.requester.replace(/^console:/, '')}${t.waitingForMe ? ' · waiting for you' : ''}`
      : t.createdAt.slice(0, 16).replace('T', ' ');
    if (unread) a.classList.add('unread');
    a.addEventListener('click', (e) => {
      e.preventDefault();
      openThread(t.id);
    });
    li.append(a);
    ul.append(li);
  }
}

for (const b of document.querySelectorAll('#filters button'))
  b.addEventListener('click', () => {
    filter = b.dataset.filter;
    localStorage.setItem('gl-filter', filter);
    renderThreads();
  });

$('#composer').addEventListener('submit', async (e) => {
  e.preventDefault();
  const text = $('#text').value.trim();
  if (!text) return;
  notice('');
  try {
    const res = await api('POST', '/api/chat', {
      ...who(),
      text,
      ...(state.thread ? { thread: state.thread } : {}),
    });
    // Cleared only once sent: a message the server refused stays in the box, to fix and resend.
    $('#text').value = '';
    if (res.thread !== state.thread) await openThread(res.thread);
    else loadThreads();
  } catch (err) {
    notice(err.message);
  }
});

$('#messages').addEventListener('click', async (e) => {
  const button = e.target.closest('button[data-action]');
  if (!button) return;
  if (button.dataset.confirm && !confirm(button.dataset.confirm)) return;
  if (button.dataset.action === 'modify') {
    // In the console a change is a reply in the thread; Slack and Teams open a form instead.
    notice('Reply in this thread with the change, e.g. "use westeurope instead" or "make it 5 replicas".');
    $('#text').focus();
    return;
  }
  notice('');
  button.disabled = true;
  try {
    const body =
      button.dataset.action === 'choose'
        ? { ...who(), action: 'choose', clarificationId: button.dataset.clarification, choice: button.dataset.choice }
        : button.dataset.action === 'operate'
          ? {
              ...who(),
              action: 'operate',
              operation: button.dataset.operation,
              target: button.dataset.target,
              ...(button.dataset.option ? { option: button.dataset.option } : {}),
              ...(state.thread ? { thread: state.thread } : {}),
              ...confirmationFor(button),
            }
          : {
              ...who(),
              requestId: button.dataset.request,
              action: button.dataset.action,
              revision: Number(button.dataset.revision),
              ...(button.dataset.planHash ? { planHash: button.dataset.planHash } : {}),
              ...confirmationFor(button),
            };
    await api('POST', '/api/actions', body);
  } catch (err) {
    notice(err.message);
    button.disabled = false;
  }
});

/** A destroy's Approve carries the stack name typed in the box next to it. */
function confirmationFor(button) {
  const typed = button.parentElement.querySelector('input.gl-type-confirm');
  return typed && (button.dataset.action === 'approve' || button.dataset.action === 'operate') ? { confirmation: typed.value } : {};
}

// Clarification forms: the values complete the request that asked for them.
$('#messages').addEventListener('submit', async (e) => {
  const form = e.target.closest('form[data-form]');
  if (!form) return;
  e.preventDefault();
  notice('');
  const values = {};
  for (const el of form.elements) {
    if (!el.name) continue;
    values[el.name] = el.type === 'checkbox' ? String(el.checked) : el.value;
  }
  form.querySelector('button[type=submit]').disabled = true;
  try {
    await api('POST', '/api/forms', { ...who(), formId: form.dataset.form, values });
  } catch (err) {
    notice(err.message);
    form.querySelector('button[type=submit]').disabled = false;
  }
});

$('#new-thread').addEventListener('click', () => openThread(null));

syncUrl();
loadThreads();
if (state.thread) openThread(state.thread);
