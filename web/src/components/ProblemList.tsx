/** The problems of a dashboard file: `file:line[:column] path: message`, one per line. */
import type { DashboardProblem } from '../../../src/shared/dashboard-types.js';

export function ProblemList({ problems }: { readonly problems: readonly DashboardProblem[] }) {
  return (
    <ul className="problem-list">
      {problems.map((problem, index) => (
        <li key={index}>
          <code>
            {problem.file}
            {problem.line !== undefined && `:${problem.line}`}
            {problem.line !== undefined && problem.column !== undefined && `:${problem.column}`}
          </code>{' '}
          {problem.path && <code>{problem.path}</code>} {problem.message}
        </li>
      ))}
    </ul>
  );
}
