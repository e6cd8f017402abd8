import type { PolicyRule } from './rule.ts';

// GL-STO-001: storage stays private (blocks in prod, warns elsewhere), in the shapes Azure, AWS
// and GCP express it.

const STORAGE_TYPE = /storage|bucket|blob|container|s3/i;

/** Why a storage resource's inputs make it publicly readable, or null. */
function publicReason(inputs: Record<string, unknown>): string | null {
  if (inputs.allowBlobPublicAccess === true) return 'allowBlobPublicAccess is true';
  if (typeof inputs.publicAccess === 'string' && inputs.publicAccess.toLowerCase() !== 'none')
    return `publicAccess is ${inputs.publicAccess}`;
  if (typeof inputs.acl === 'string' && /^public-read/.test(inputs.acl)) return `ACL ${inputs.acl}`;
  for (const key of ['blockPublicAcls', 'blockPublicPolicy', 'ignorePublicAcls', 'restrictPublicBuckets'])
    if (inputs[key] === false) return `${key} is false`;
  if (inputs.publicAccessPrevention === 'inherited' || inputs.uniformBucketLevelAccess === false) return 'public access not prevented';
  return null;
}

export const publicStorageRule: PolicyRule = {
  title: 'no public storage in prod',
  checkChange(change, { environment }) {
    const why = STORAGE_TYPE.test(change.type) ? publicReason(change.inputs) : null;
    if (!why) return undefined;
    const prod = environment === 'prod';
    return {
      severity: prod ? 'block' : 'warn',
      message: `${change.address} would be publicly readable (${why})${prod ? ' in prod' : ''}. Keep public access blocked and share through signed URLs or a CDN with its own identity.`,
    };
  },
};
