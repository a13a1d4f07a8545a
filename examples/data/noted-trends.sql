-- Each milestone (notes) with the tool's trend values that month (trends), one row per
-- source: a SQL dataset, built into the cache and rebuilt when either file changes.
SELECT n.date, n.tool, t.source, t.value, n.note
FROM notes AS n
JOIN trends AS t USING (date, tool)
ORDER BY n.date, n.tool, t.source
