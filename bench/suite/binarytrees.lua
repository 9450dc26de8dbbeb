-- binarytrees: the Computer Language Benchmarks Game's binary-trees, single process.
-- Sizes: see binarytrees.py (`# suite:` line); default 14.
--
-- Source: binarytrees.lua-2.lua ("binary-trees Lua #2"), The Computer Language Benchmarks
-- Game, https://benchmarksgame-team.pages.debian.net/benchmarksgame/
-- (mirror: github.com/Byron/benchmarksgame-cvs-mirror, bench/binarytrees/).
-- Contributed by Mike Pall.
-- Revised BSD license; Copyright (c) 2004-2008 Brent Fulgham, 2005-2017 Isaac Gouy.
--
-- As in the reference, a node is a table { left, right }; a leaf is { }.
-- Changes for the suite: the report lines are collected instead of written and compared
-- with the reference output for N (a tree of depth d has 2^(d+1) - 1 nodes); the one
-- printed line carries the sum of the check values. Iteration counts are integers (1 << k)
-- rather than the reference's float 2^k, so that they format as %d.

local function BottomUpTree(depth)
  if depth > 0 then
    depth = depth - 1
    local left, right = BottomUpTree(depth), BottomUpTree(depth)
    return { left, right }
  else
    return { }
  end
end

local function ItemCheck(tree)
  if tree[1] then
    return 1 + ItemCheck(tree[1]) + ItemCheck(tree[2])
  else
    return 1
  end
end

local function binarytrees(N)
  local out = {}
  local mindepth = 4
  local maxdepth = mindepth + 2
  if maxdepth < N then maxdepth = N end

  do
    local stretchdepth = maxdepth + 1
    local stretchtree = BottomUpTree(stretchdepth)
    out[#out + 1] = string.format("stretch tree of depth %d\t check: %d",
      stretchdepth, ItemCheck(stretchtree))
  end

  local longlivedtree = BottomUpTree(maxdepth)

  for depth = mindepth, maxdepth, 2 do
    local iterations = 1 << (maxdepth - depth + mindepth)
    local check = 0
    for i = 1, iterations do
      check = check + ItemCheck(BottomUpTree(depth))
    end
    out[#out + 1] = string.format("%d\t trees of depth %d\t check: %d",
      iterations, depth, check)
  end

  out[#out + 1] = string.format("long lived tree of depth %d\t check: %d",
    maxdepth, ItemCheck(longlivedtree))
  return out
end

-- The reference output for N (bench/binarytrees/N_out), from the node counts.
local function expected_output(N)
  local out = {}
  local mindepth = 4
  local maxdepth = mindepth + 2
  if maxdepth < N then maxdepth = N end
  local stretchdepth = maxdepth + 1
  out[#out + 1] = string.format("stretch tree of depth %d\t check: %d",
    stretchdepth, (1 << (stretchdepth + 1)) - 1)
  for depth = mindepth, maxdepth, 2 do
    local iterations = 1 << (maxdepth - depth + mindepth)
    out[#out + 1] = string.format("%d\t trees of depth %d\t check: %d",
      iterations, depth, iterations * ((1 << (depth + 1)) - 1))
  end
  out[#out + 1] = string.format("long lived tree of depth %d\t check: %d",
    maxdepth, (1 << (maxdepth + 1)) - 1)
  return out
end

local N = tonumber(arg and arg[1]) or 14
local out = binarytrees(N)
local want = expected_output(N)
for i = 1, math.max(#out, #want) do
  if out[i] ~= want[i] then
    io.stderr:write(string.format("binarytrees FAILED: got %q, want %q\n",
      tostring(out[i]), tostring(want[i])))
    os.exit(1)
  end
end
local total = 0
for _, line in ipairs(out) do
  total = total + math.tointeger(tonumber(line:match("(%d+)$")))
end
io.write(string.format("binarytrees ok %d\n", total))
