import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  LOGIN_TARGET_TYPE,
  MAPPING_COMPATIBILITY,
  defaultMappingType,
  describeDuplicateTarget,
  describeMappingTypeProblem,
  duplicateTargets,
  mappingTypeProblem,
  mappingTypesFor,
} from '../../shared/contracts/mapping-compat';
import { MAPPING_TYPES, type MappingType } from '../../shared/contracts/settings';
import type { FieldMappingRow } from '../../server/src/config/schema';
import { fieldLabel, fieldMappingProblems } from '../../server/src/services/settings/mapping-checks';
import {
  attributeValueProblem,
  usernameProblem,
  type AttributeSpec,
} from '../../server/src/services/sync/attribute-values';
import { convertValue } from '../../server/src/services/sync/field-mapping';
import type { UserAttributes } from '../../server/src/services/sync/users-permissions';

/** A Customerly value a row of each type typically carries. */
const SAMPLE: Record<MappingType, unknown> = {
  string: 'gold',
  number: '12',
  boolean: 'yes',
  date: 1_700_000_000,
  json: { a: [1, 2] },
};

/** An attribute of each type, with what makes the sample text fit it (enumeration values, an email, a time). */
const attribute = (type: string): AttributeSpec => ({ type, ...(type === 'enumeration' ? { enum: ['gold'] } : {}) });
const sampleFor = (mappingType: MappingType, attributeType: string): unknown =>
  mappingType === 'string' && attributeType === 'email'
    ? 'a@example.com'
    : mappingType === 'string' && attributeType === 'time'
      ? '10:30:00'
      : SAMPLE[mappingType];

/** What a delivery does with a value of this row type written to this attribute: undefined when it is written. */
function runtimeProblem(mappingType: MappingType, attributeType: string, value: unknown): string | undefined {
  // The login targets are read as text whatever the row's type (field-mapping.ts), then checked as a username.
  if (attributeType === LOGIN_TARGET_TYPE) {
    const converted = convertValue(value, 'string');
    return converted.ok ? usernameProblem(String(converted.value)) : converted.reason;
  }
  const converted = convertValue(value, mappingType, attributeType);
  if (!converted.ok) return converted.reason;
  return attributeValueProblem(converted.value, attribute(attributeType));
}

describe('field-mapping type compatibility (one table for the server and the panel)', () => {
  it('every pair the table allows is written by a delivery (conversion and attribute check agree)', () => {
    for (const [attributeType, types] of Object.entries(MAPPING_COMPATIBILITY)) {
      assert.ok(types.length > 0, attributeType);
      for (const type of types) {
        assert.equal(
          runtimeProblem(type, attributeType, sampleFor(type, attributeType)),
          undefined,
          `${type} → ${attributeType} is allowed, so a delivery must write it`
        );
      }
    }
  });

  it('a pair whose converted value a delivery always refuses is not in the table', () => {
    // Values of each type that a lax table could hope to get through.
    const tries: Record<MappingType, unknown[]> = {
      string: ['gold', '12', 'true', '2024-01-01T00:00:00.000Z', 'a@example.com', '10:30:00'],
      number: [12, '0', 1.5],
      boolean: [true, 'no', 1],
      date: [1_700_000_000, '2024-05-01'],
      json: [],
    };
    for (const [attributeType, types] of Object.entries(MAPPING_COMPATIBILITY)) {
      for (const type of MAPPING_TYPES) {
        const everyRefused = tries[type].every((v) => runtimeProblem(type, attributeType, v) !== undefined);
        if (everyRefused && tries[type].length) assert.ok(!types.includes(type), `${type} → ${attributeType}`);
      }
    }
  });

  it('refuses the pairs the issue names, and the obvious others', () => {
    for (const [type, attributeType] of [
      ['boolean', 'string'],
      ['date', 'integer'],
      ['number', 'string'],
      ['string', 'integer'],
      ['string', 'boolean'],
      ['json', 'string'],
      ['number', 'datetime'],
      ['boolean', 'date'],
      ['string', 'blocks'],
      ['date', 'email'],
      ['number', 'enumeration'],
    ] as Array<[MappingType, string]>) {
      assert.ok(mappingTypeProblem(type, 'x', attributeType), `${type} → ${attributeType} must be refused`);
    }
    assert.equal(mappingTypeProblem('json', 'x', 'json'), undefined);
    assert.equal(mappingTypeProblem('number', 'x', 'json'), undefined);
    assert.equal(mappingTypeProblem('date', 'x', 'string'), undefined, 'a date is written as ISO text');
  });

  it('pre-fills the natural type of each attribute', () => {
    const expected: Record<string, MappingType> = {
      string: 'string',
      text: 'string',
      email: 'string',
      enumeration: 'string',
      uid: 'string',
      integer: 'number',
      biginteger: 'number',
      float: 'number',
      decimal: 'number',
      boolean: 'boolean',
      date: 'date',
      datetime: 'date',
      timestamp: 'date',
      time: 'string',
      json: 'json',
      richtext: 'string',
      blocks: 'json',
    };
    for (const [attributeType, type] of Object.entries(expected))
      assert.equal(defaultMappingType(attributeType), type, attributeType);
    assert.equal(defaultMappingType(LOGIN_TARGET_TYPE), 'string');
  });

  it('an attribute type outside the table (a relation, a media) takes no type, and __proto__ is not a type', () => {
    for (const t of ['relation', 'media', 'component', 'dynamiczone', 'password', '__proto__', 'constructor']) {
      assert.deepEqual(mappingTypesFor(t), [], t);
      assert.equal(defaultMappingType(t), undefined, t);
    }
    const problem = mappingTypeProblem('string', 'avatar', 'media');
    assert.ok(problem);
    assert.match(
      describeMappingTypeProblem(problem),
      /"avatar" has the attribute type media, which the mapping cannot write/
    );
  });

  it('describes a type problem with the target, its type and what it takes', () => {
    const problem = mappingTypeProblem('boolean', 'plan', 'string');
    assert.ok(problem);
    assert.deepEqual(problem.allowed, ['string', 'date']);
    assert.equal(
      describeMappingTypeProblem(problem),
      'a boolean value cannot be written to "plan" (attribute type: string): use the type string or date'
    );
  });

  it('finds repeated targets, naming the later row and the first one', () => {
    assert.deepEqual(duplicateTargets([{ to: 'plan' }, { to: 'seats' }, { to: 'plan' }, { to: '' }, { to: 'plan' }]), [
      { index: 2, firstIndex: 0 },
      { index: 4, firstIndex: 0 },
    ]);
    assert.deepEqual(duplicateTargets([{ to: '' }, { to: '' }]), [], 'an empty target is reported by its own check');
    assert.match(describeDuplicateTarget('plan', 0), /"plan" is already the target of fieldMapping\[0\]/);
  });
});

describe('fieldMappingProblems (the save and startup check)', () => {
  const attributes: UserAttributes = {
    username: { type: 'string' },
    plan: { type: 'string' },
    seats: { type: 'integer' },
    vip: { type: 'boolean' },
    trialEndsAt: { type: 'datetime' },
    role: { type: 'relation' },
    tags: { type: 'relation' },
  };
  const row = (from: string, to: string, type: MappingType = 'string'): FieldMappingRow => ({
    from,
    to,
    type,
    writeEmpty: false,
  });

  it('accepts a good mapping, login targets included', () => {
    const rows = [
      row('name', 'plan'),
      row('attributes.seats', 'seats', 'number'),
      row('attributes.vip', 'vip', 'boolean'),
      row('attributes.trial', 'trialEndsAt', 'date'),
      row('attributes.login', 'user_login'),
      row('attributes.pass', 'user_pass'),
    ];
    assert.deepEqual(fieldMappingProblems(rows, attributes, 'tags'), []);
  });

  it('names each bad row by index and field, in row order', () => {
    const problems = fieldMappingProblems(
      [
        row('a', 'plan'),
        row('b', 'seats', 'date'),
        row('c', 'plan'),
        row('d', 'role'),
        row('e', 'user_login', 'number'),
        row('f', 'role'),
      ],
      attributes,
      'tags'
    );
    assert.deepEqual(
      problems.map((p) => p.path.join('.')),
      ['fieldMapping.1.type', 'fieldMapping.2.to', 'fieldMapping.3.to', 'fieldMapping.4.type', 'fieldMapping.5.to']
    );
    assert.match(
      problems[0].message,
      /a date value cannot be written to "seats" \(attribute type: integer\): use the type number/
    );
    assert.match(problems[1].message, /already the target of fieldMapping\[0\]/);
    assert.match(problems[2].message, /protected/);
    assert.match(problems[3].message, /"user_login" \(attribute type: login\): use the type string$/);
    assert.match(problems[4].message, /protected/, 'a protected target is reported as such, not as a repeat');
  });

  it('labels a path as an admin reads it', () => {
    assert.equal(fieldLabel(['fieldMapping', '1', 'type']), 'fieldMapping[1].type');
    assert.equal(fieldLabel(['allowedRoles', '0']), 'allowedRoles[0]');
    assert.equal(fieldLabel(['returnPassword', 'attribute']), 'returnPassword.attribute');
  });
});
