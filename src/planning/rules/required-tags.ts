import type { PolicyRule } from './rule.ts';

// GL-TAG-001: only resources that take tags (their inputs carry a `tags` or `labels` map) are held to it.

export const requiredTagsRule: PolicyRule = {
  title: 'required tags',
  checkChange(change, _facts, policies) {
    const tags = change.inputs.tags ?? change.inputs.labels;
    if (!tags || typeof tags !== 'object' || policies.requiredTags.length === 0) return undefined;
    const missing = policies.requiredTags.filter((t) => !(t in (tags as Record<string, unknown>)));
    if (missing.length === 0) return undefined;
    return {
      severity: 'block',
      message: `${change.address} lacks the tag(s) ${missing.join(', ')}. Add them (every taggable resource carries ${policies.requiredTags.join(', ')}).`,
    };
  },
};
