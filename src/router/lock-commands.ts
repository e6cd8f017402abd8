// What people say about stack locks: `locks` lists them; `break lock <stack> because <reason>`
// asks to release one. Exact commands, checked before routing (like the memory phrases): they are
// operator tools, not something to guess from loose text.

export type LockCommand = { kind: 'list' } | { kind: 'break'; stack: string; reason: string | undefined };

export function parseLockCommand(text: string): LockCommand | null {
  const t = text.trim().replace(/[.!]+$/, '');
  if (/^(?:show\s+|list\s+)?(?:the\s+|all\s+)?(?:stack\s+)?locks(?:\s+and\s+queues?)?\??$/i.test(t)) return { kind: 'list' };
  const m =
    /^(?:break|release|force[- ]unlock)\s+(?:the\s+)?(?:lock\s+(?:on\s+|of\s+)?)?([a-z0-9][a-z0-9._-]*\/[a-z0-9][a-z0-9._-]*)(?:\s+(?:because|reason[:=]?|since|as)\s+(.+))?$/i.exec(
      t,
    );
  if (!m?.[1]) return null;
  const reason = m[2]?.trim().replace(/^["']|["']$/g, '');
  return { kind: 'break', stack: m[1].toLowerCase(), reason: reason || undefined };
}
