//! `public-bucket-listing`: a public Storage bucket whose files anyone can list, through a broad
//! `SELECT` policy on `storage.objects`.

use ceiling_facts::catalog::{Catalog, PolicyCommand};

use crate::{Check, DbObject, Docs, Family, Finding, ObjectKind, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "public-bucket-listing",
    family: Family::Auth,
    severity: Severity::Warning,
    status: Status::Preview,
    summary: "A public Storage bucket also has a broad `SELECT` policy on `storage.objects`: anyone can list all its files.",
    docs: Docs {
        what: "A bucket of Supabase Storage marked `public` (`storage.buckets.public`) and a \
permissive `SELECT` or `ALL` policy on `storage.objects`, for `anon`, `authenticated` or every \
role, whose `USING` is missing, always true, or exactly `bucket_id = '<that bucket>'`.",
        why: "A public bucket already serves each file to whoever has its URL; it needs no policy \
for that. A policy that lets the API roles select the bucket's rows of `storage.objects` also \
lets anyone with the anon key list every file name in it (`storage.from('avatars').list()`), \
including files whose URLs were never shared.",
        fix: "Drop the broad policy (`drop policy \"name\" on storage.objects;`): public URLs keep \
working. If the app lists files, narrow the policy to the caller's folder: `using (bucket_id = \
'avatars' and (storage.foldername(name))[1] = (select auth.uid())::text)`.",
        fires: "```sql\n-- storage.buckets: ('avatars', public = true)\ncreate policy \"avatars are public\" on storage.objects for select\n  using (bucket_id = 'avatars');\n```",
        passes: "```sql\n-- storage.buckets: ('avatars', public = true), no SELECT policy: URLs work, listing does not\ncreate policy \"own uploads\" on storage.objects for insert to authenticated\n  with check (bucket_id = 'avatars' and owner = (select auth.uid()));\n```",
        guards: &[
            "Private buckets: their files need a policy to be read at all.",
            "Policies narrower than the whole bucket (a folder, the owner), policies for other buckets, restrictive policies, and policies for roles the API does not carry.",
            "Databases without `storage.buckets`: no Supabase Storage.",
        ],
    },
    splinter: Some("0025_public_bucket_allows_listing"),
    check: Check::Database(check),
};

fn check(catalog: &Catalog, findings: &mut Vec<Finding>) {
    let Some(objects) = catalog.tables.iter().find(|table| table.schema == "storage" && table.name == "objects") else {
        return;
    };
    for bucket in &catalog.security.public_buckets {
        let broad: Vec<String> = catalog
            .security
            .policies_of(objects.oid)
            .filter(|policy| policy.permissive && policy.covers(PolicyCommand::Select) && policy.applies_to_api())
            .filter(|policy| {
                policy.using.is_none()
                    || policy.using_always_true
                    || policy.using_only_bucket.as_deref() == Some(bucket.id.as_str())
            })
            .map(|policy| format!("\"{}\"", policy.name))
            .collect();
        if broad.is_empty() {
            continue;
        }
        findings.push(
            RULE.db_finding(
                DbObject { kind: ObjectKind::Table, name: format!("storage.buckets: {}", bucket.id) },
                format!(
                    "public bucket `{}` can be listed by anyone: {} on `storage.objects` select its whole content",
                    bucket.name,
                    broad.join(", ")
                ),
                "A public bucket serves files by URL without any policy; a SELECT policy over the whole bucket also \
lets every caller with the anon key list all its file names."
                    .to_owned(),
                format!(
                    "Drop {} (public URLs keep working), or narrow it to the caller's own folder.",
                    broad.join(", ")
                ),
            ),
        );
    }
}
