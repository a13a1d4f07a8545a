/** The problems of a dashboard file: `file:line path: message`, one per line. */
import type { DashboardProblem } from '../../../src/shared/dashboard-types.js';

export function ProblemList({ problems }: { readonly problems: readonly DashboardProblem[] }) {
  return (
    <ul className="problem-list">
      {problems.map((problem, index) => (
        <li key={index}>
          <code>
            {problem.file}
            {problem.line !== undefined && `:${problem.line}`}
          </code>{' '}
          {problem.path && <code>{problem.path}</code>} {problem.message}
        </li>
      ))}
    </ul>
  );
}
