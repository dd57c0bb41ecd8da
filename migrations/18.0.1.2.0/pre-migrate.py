"""18.0.1.2.0: the search bar finds a plate however it is typed, and claim
numbers by any part; Key Figures read the first answered approval from the
dossier. For databases of 100,000 dossiers.

The new stored columns are written in SQL before the module loads (the ORM
would compute them dossier by dossier); the claim number's btree index makes
way for the trigram index the ORM creates in its place (an ILIKE cannot use a
btree).
"""


def migrate(cr, version):
    cr.execute(
        """
        ALTER TABLE bodyshop_dossier
            ADD COLUMN IF NOT EXISTS license_plate_compact varchar;
        UPDATE bodyshop_dossier
           SET license_plate_compact = NULLIF(
                   regexp_replace(upper(license_plate), '[^0-9A-Z]', '', 'g'), '')
         WHERE license_plate IS NOT NULL;
        DROP INDEX IF EXISTS bodyshop_dossier__claim_number_index;

        ALTER TABLE bodyshop_dossier
            ADD COLUMN IF NOT EXISTS first_approval_requested_on timestamp,
            ADD COLUMN IF NOT EXISTS first_approval_answered_on timestamp;
        UPDATE bodyshop_dossier dossier
           SET first_approval_requested_on = first.requested_on,
               first_approval_answered_on = first.responded_on
          FROM (SELECT DISTINCT ON (calculation.dossier_id)
                       calculation.dossier_id, approval.requested_on,
                       approval.responded_on
                  FROM bodyshop_approval approval
                  JOIN bodyshop_calculation calculation
                    ON calculation.id = approval.calculation_id
                 WHERE approval.responded_on IS NOT NULL
              ORDER BY calculation.dossier_id, approval.requested_on, approval.id
               ) first
         WHERE first.dossier_id = dossier.id;
        """
    )
