/**
 * DXCC entities (ARRL's list of "countries" for radio awards) with callsign prefixes and how
 * often they appear: as the spotted station (`dx`, a long-tailed distribution where a rare entity
 * is rare) and as the spotter (`spotter`: cluster users and skimmers are mostly in Europe, North
 * America and Japan). A `#` in a prefix stands for any call-area digit.
 */

export interface DxccEntity {
  readonly name: string;
  readonly prefixes: readonly string[];
  readonly dx: number;
  readonly spotter: number;
}

function entity(name: string, dx: number, spotter: number, prefixes: string): DxccEntity {
  return { name, prefixes: prefixes.split(' '), dx, spotter };
}

/** Entities with relative weights; the weights need not sum to anything. */
export const DXCC_ENTITIES: readonly DxccEntity[] = [
  entity(
    'United States',
    16,
    30,
    'K# W# N# AA# AC# AD# AE# AF# AG# AJ# KB# KC# KD# KE# KF# KG# KI# KJ# KN# KO# WA# WB# WD#',
  ),
  entity('European Russia', 7, 3, 'RA1 RA3 RA6 UA3 UA4 UA6 RN3 RW3 RV1 RZ3 R3 R7'),
  entity('Fed. Rep. of Germany', 6.5, 12, 'DL# DJ# DK# DG# DH# DM# DO# DB# DC# DF# DD#'),
  entity('Japan', 6, 6, 'JA# JH# JR# JE# JF# JG# JI# JJ# JK# JL# JM# JN# JO# JP# 7K#'),
  entity('Italy', 4.5, 4, 'I# IK# IZ# IW# IU#'),
  entity('Spain', 4, 3, 'EA1 EA2 EA3 EA4 EA5 EA7 EB1 EC3 EC5'),
  entity('England', 3.5, 5, 'G# M# 2E#'),
  entity('Poland', 3, 3, 'SP# SQ# SN# SO# 3Z#'),
  entity('France', 3, 3, 'F#'),
  entity('Ukraine', 3, 1.5, 'UR# UT# US# UX# UY# UZ# EM#'),
  entity('Canada', 2.5, 4, 'VE# VA#'),
  entity('Brazil', 2, 1, 'PY# PU# PP# PR# PT# PV#'),
  entity('Czech Republic', 2, 2, 'OK# OL#'),
  entity('Netherlands', 1.8, 3, 'PA# PD# PE# PH#'),
  entity('Asiatic Russia', 1.5, 0.3, 'UA9 UA0 RA9 RA0 RW9 RU0 R9 R0'),
  entity('Australia', 1.5, 1.5, 'VK1 VK2 VK3 VK4 VK5 VK6 VK7 VK8'),
  entity('Belgium', 1.4, 3, 'ON# OO#'),
  entity('China', 1.3, 0.5, 'BY# BG# BH# BD# BA# BI#'),
  entity('Argentina', 1.2, 0.5, 'LU# LW#'),
  entity('Sweden', 1.2, 2, 'SM# SA# SE# SK#'),
  entity('Finland', 1.1, 2, 'OH1 OH2 OH3 OH5 OH6 OH7 OH8 OG6'),
  entity('Austria', 1, 1.5, 'OE#'),
  entity('Hungary', 1, 0.8, 'HA# HG#'),
  entity('Romania', 1, 0.4, 'YO#'),
  entity('Indonesia', 1, 0.1, 'YB# YC# YD#'),
  entity('Bulgaria', 0.9, 0.4, 'LZ#'),
  entity('Croatia', 0.9, 0.3, '9A#'),
  entity('Republic of Korea', 0.9, 0.5, 'HL# DS# 6K#'),
  entity('Switzerland', 0.8, 0.7, 'HB9 HB3'),
  entity('Slovenia', 0.8, 0.6, 'S5#'),
  entity('Serbia', 0.8, 0.2, 'YU# YT#'),
  entity('Portugal', 0.8, 0.5, 'CT1 CT2 CT7 CS7'),
  entity('India', 0.7, 0.1, 'VU2 VU3'),
  entity('Mexico', 0.7, 0.2, 'XE#'),
  entity('Greece', 0.7, 0.3, 'SV1 SV2 SV3 SV7 SZ1'),
  entity('Denmark', 0.7, 0.6, 'OZ# OU#'),
  entity('Philippines', 0.6, 0.05, 'DU# DV# DW# 4F#'),
  entity('New Zealand', 0.6, 0.5, 'ZL#'),
  entity('Chile', 0.6, 0.2, 'CE# CA# XQ#'),
  entity('Lithuania', 0.6, 0.3, 'LY#'),
  entity('Canary Islands', 0.6, 0.1, 'EA8 EB8 EC8'),
  entity('Scotland', 0.6, 0.4, 'GM# MM#'),
  entity('South Africa', 0.5, 0.5, 'ZS# ZR#'),
  entity('Cuba', 0.5, 0, 'CO# CM# CL#'),
  entity('Norway', 0.5, 0.4, 'LA# LB#'),
  entity('Ireland', 0.5, 0.3, 'EI# EJ#'),
  entity('Latvia', 0.4, 0.1, 'YL#'),
  entity('Estonia', 0.4, 0.1, 'ES#'),
  entity('Thailand', 0.4, 0.05, 'HS# E2#'),
  entity('Puerto Rico', 0.4, 0.1, 'KP4 NP4 WP4'),
  entity('Israel', 0.4, 0.1, '4X# 4Z#'),
  entity('Turkey', 0.4, 0.05, 'TA# TC#'),
  entity('Kazakhstan', 0.4, 0.05, 'UN# UP#'),
  entity('Taiwan', 0.4, 0.1, 'BV# BX# BM#'),
  entity('Hawaii', 0.3, 0.1, 'KH6 AH6 NH6 WH6'),
  entity('Alaska', 0.3, 0.1, 'KL7 AL7 NL7 WL7'),
  entity('Wales', 0.3, 0.2, 'GW# MW#'),
  entity('Madeira Islands', 0.2, 0, 'CT3 CR3 CQ3'),
  entity('Hong Kong', 0.2, 0.05, 'VR2'),
  entity('Singapore', 0.15, 0.02, '9V1'),
  entity('West Malaysia', 0.15, 0.02, '9M2 9W2'),
  entity('Iceland', 0.12, 0.05, 'TF#'),
  entity('Faroe Islands', 0.06, 0, 'OY#'),
  entity('Svalbard', 0.05, 0, 'JW#'),
  entity('Antarctica', 0.04, 0, 'KC4 DP1 RI1'),
  entity('Bhutan', 0.01, 0, 'A5#'),
];
