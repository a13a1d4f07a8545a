/**
 * The controls of a dashboard's filters: a select, a multi-select (checkboxes in a disclosure)
 * or a date range per filter. Every control is labelled and works from the keyboard; the
 * values travel in the URL (state/url-filters.ts).
 */
import { useId } from 'react';
import type { CellValue } from '../../../src/shared/api-types.js';
import type {
  DashboardFilter,
  FilterOptions,
  LockedFilterValues,
} from '../../../src/shared/dashboard-types.js';
import {
  checkedValues,
  dateRangeOf,
  dateRangeValues,
  multiValues,
  selectValues,
  selectedValue,
} from '../state/url-filters.js';

export interface FilterBarProps {
  readonly filters: readonly DashboardFilter[];
  readonly values: Readonly<Record<string, readonly string[]>>;
  readonly options: Readonly<Record<string, FilterOptions>>;
  /** Filters a signed embed link fixes: shown, not editable. */
  readonly locked?: LockedFilterValues;
  readonly onChange: (filter: DashboardFilter, values: readonly string[]) => void;
}

function optionText(value: CellValue): string {
  return value === null ? '' : String(value);
}

interface ControlProps {
  readonly filter: DashboardFilter;
  readonly values: readonly string[];
  readonly options: FilterOptions | undefined;
  readonly onChange: (values: readonly string[]) => void;
}

function SelectControl({ filter, values, options, onChange }: ControlProps) {
  const id = useId();
  const selected = selectedValue(values);
  const choices = (options?.values ?? []).map(optionText);
  if (selected && !choices.includes(selected)) choices.unshift(selected);
  return (
    <div className="filter">
      <label htmlFor={id}>{filter.label}</label>
      <select
        id={id}
        name={filter.column}
        value={selected ?? '__expression'}
        onChange={(event) => onChange(selectValues(event.target.value))}
      >
        <option value="">All</option>
        {selected === undefined && (
          <option value="__expression" disabled>
            {values.join(' & ')}
          </option>
        )}
        {choices.map((choice) => (
          <option key={choice} value={choice}>
            {choice}
          </option>
        ))}
      </select>
    </div>
  );
}

function MultiSelectControl({ filter, values, options, onChange }: ControlProps) {
  const checked = checkedValues(values) ?? [];
  const choices = (options?.values ?? []).map(optionText);
  for (const value of checked) if (!choices.includes(value)) choices.push(value);
  const toggle = (choice: string, on: boolean) => {
    const next = on ? [...checked, choice] : checked.filter((value) => value !== choice);
    onChange(multiValues(choices.filter((value) => next.includes(value))));
  };
  const summary =
    checked.length === 0
      ? 'All'
      : checked.length <= 2
        ? checked.join(', ')
        : `${checked.length} selected`;
  return (
    <div className="filter">
      <details className="multi-select">
        <summary>
          <span className="filter-label">{filter.label}</span>
          <span className="multi-select-summary">{summary}</span>
        </summary>
        <fieldset>
          <legend className="visually-hidden">{filter.label}</legend>
          <div className="multi-select-options">
            {choices.map((choice) => (
              <label key={choice} className="check">
                <input
                  type="checkbox"
                  name={filter.column}
                  value={choice}
                  checked={checked.includes(choice)}
                  onChange={(event) => toggle(choice, event.target.checked)}
                />
                {choice}
              </label>
            ))}
          </div>
          <button
            type="button"
            className="link-button"
            onClick={() => onChange([])}
            disabled={checked.length === 0}
          >
            Clear {filter.label}
          </button>
        </fieldset>
      </details>
    </div>
  );
}

function DateRangeControl({ filter, values, options, onChange }: ControlProps) {
  const fromId = useId();
  const toId = useId();
  const { from = '', to = '' } = dateRangeOf(values);
  const min = typeof options?.min === 'string' ? options.min : undefined;
  const max = typeof options?.max === 'string' ? options.max : undefined;
  return (
    <fieldset className="filter date-range">
      <legend>{filter.label}</legend>
      <label htmlFor={fromId}>From</label>
      <input
        id={fromId}
        type="date"
        value={from}
        min={min}
        max={to || max}
        onChange={(event) => onChange(dateRangeValues(event.target.value, to))}
      />
      <label htmlFor={toId}>To</label>
      <input
        id={toId}
        type="date"
        value={to}
        min={from || min}
        max={max}
        onChange={(event) => onChange(dateRangeValues(from, event.target.value))}
      />
    </fieldset>
  );
}

/** A locked value as a person reads it: `Benchmarking`, `a, b`, `2020-01-01 – 2020-12-31`. */
function lockedText(filter: DashboardFilter, values: readonly string[]): string {
  if (values.length === 0) return 'All';
  if (filter.kind === 'date-range') {
    const { from, to } = dateRangeOf(values);
    return `${from ?? '…'} – ${to ?? '…'}`;
  }
  const checked = checkedValues(values);
  return checked === undefined ? values.join(' & ') : checked.join(', ');
}

function LockedControl({ filter, values }: Pick<ControlProps, 'filter' | 'values'>) {
  return (
    <div className="filter filter--locked" data-locked-filter={filter.column}>
      <span className="filter-label">{filter.label}</span>
      <span className="locked-value" title="Fixed by the embed link">
        <output>{lockedText(filter, values)}</output>
        <span className="locked-badge">locked</span>
      </span>
    </div>
  );
}

export function FilterBar({ filters, values, options, locked = {}, onChange }: FilterBarProps) {
  if (filters.length === 0) return null;
  return (
    <form
      className="filter-bar"
      role="search"
      aria-label="Filters"
      onSubmit={(event) => event.preventDefault()}
    >
      {filters.map((filter) => {
        const props: ControlProps = {
          filter,
          values: values[filter.column] ?? [],
          options: options[filter.column],
          onChange: (next) => onChange(filter, next),
        };
        if (Object.hasOwn(locked, filter.column))
          return <LockedControl key={filter.column} filter={filter} values={props.values} />;
        if (filter.kind === 'date-range')
          return <DateRangeControl key={filter.column} {...props} />;
        return filter.multiple ? (
          <MultiSelectControl key={filter.column} {...props} />
        ) : (
          <SelectControl key={filter.column} {...props} />
        );
      })}
    </form>
  );
}
