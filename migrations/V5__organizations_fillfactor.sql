-- Provisioning stamps its sentinels into organizations.metadata right after an
-- organisation is created (SPEC section 3), twice for a bootstrapped org with a Mac.
-- Room on each page lets those updates be HOT (no new index entries), which is most of
-- what a bulk seed pays above plain inserts. Affects pages written from now on.
ALTER TABLE organizations SET (fillfactor = 70);
