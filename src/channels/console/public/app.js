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
  }
  list.scrollTop = list.scrollHeight;
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

async function loadThreads() {
  const { threads } = await api('GET', '/api/threads');
  const ul = $('#threads');
  ul.innerHTML = '';
  for (const t of threads) {
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.href = '#';
    a.textContent = `${t.createdAt.slice(11, 19)} · ${t.id.slice(0, 8)}`;
    a.className = t.id === state.thread ? 'current' : '';
    a.addEventListener('click', (e) => {
      e.preventDefault();
      openThread(t.id);
    });
    li.append(a);
    ul.append(li);
  }
}

$('#composer').addEventListener('submit', async (e) => {
  e.preventDefault();
  const text = $('#text').value.trim();
  if (!text) return;
  $('#text').value = '';
  notice('');
  try {
    const res = await api('POST', '/api/chat', {
      ...who(),
      text,
      ...(state.thread ? { thread: state.thread } : {}),
    });
    if (res.thread !== state.thread) await openThread(res.thread);
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
  return typed && button.dataset.action === 'approve' ? { confirmation: typed.value } : {};
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
