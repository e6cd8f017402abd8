import * as storage from '@pulumi/gcp/storage/index.js';
import { greenlightTags } from '../shared-params.ts';
import { namesFor, type ProvisionStorageParams } from './schema.ts';

// GCS: one regional bucket with uniform bucket-level access (no object ACLs), public access
// prevention enforced unless `public`, versioning, Google-managed encryption (default), a
// lifecycle moving objects to Nearline then deleting them, and soft delete kept at 7 days.

export function gcsProgram(p: ProvisionStorageParams, owner: string) {
  return async () => {
    const names = namesFor(p);
    const labels = greenlightTags(p, owner, true);
    const bucket = new storage.Bucket(names.bucket, {
      name: names.bucket,
      location: p.region.toUpperCase(),
      storageClass: 'STANDARD',
      uniformBucketLevelAccess: true,
      publicAccessPrevention: p.public ? 'inherited' : 'enforced',
      versioning: { enabled: p.versioning },
      softDeletePolicy: { retentionDurationSeconds: 7 * 86_400 },
      lifecycleRules: [
        { condition: { age: p.cool_after_days }, action: { type: 'SetStorageClass', storageClass: 'NEARLINE' } },
        { condition: { age: p.retention_days }, action: { type: 'Delete' } },
        ...(p.versioning ? [{ condition: { daysSinceNoncurrentTime: p.retention_days }, action: { type: 'Delete' } }] : []),
      ],
      labels,
      forceDestroy: false,
    });
    // Public means readable by anyone: prevention off alone only allows a later grant, so grant it.
    if (p.public) {
      new storage.BucketIAMMember(`${names.bucket}-public-read`, {
        bucket: bucket.name,
        role: 'roles/storage.objectViewer',
        member: 'allUsers',
      });
    }
    return { bucket: bucket.name, url: bucket.url };
  };
}
