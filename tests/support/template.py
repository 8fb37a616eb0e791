"""What infra/sam-template.yaml gives a function once deployed: its intrinsics evaluated.

A small evaluator of the intrinsic functions the template uses (Ref, Fn::Sub, Fn::Join, Fn::Select,
Fn::Split, Fn::If and the condition functions), over the parameters' defaults plus any overrides,
and pseudo parameters of a made-up stack. It answers "which environment does the chat function get
from a default deployment?", so tests can run the handlers with exactly that.
"""

from __future__ import annotations

import re
from typing import Any

from scripts.validate_infra import DEFAULT_TEMPLATE, load_template

ACCOUNT = "123456789012"
REGION = "us-east-1"
STACK = "folio"
STACK_ID = f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/{STACK}/4b0c1a30-1f0e-11ef-9d2b-0a1b2c3d4e5f"
NO_VALUE = object()


class Deployment:
    def __init__(self, overrides: dict[str, str] | None = None, template: dict[str, Any] | None = None) -> None:
        self.template = template or load_template(DEFAULT_TEMPLATE)
        parameters: dict[str, Any] = self.template.get("Parameters", {})
        self.values: dict[str, Any] = {name: spec.get("Default") for name, spec in parameters.items()}
        self.values.update(overrides or {})
        for name, spec in parameters.items():
            if spec["Type"] == "CommaDelimitedList" and isinstance(self.values[name], str):
                self.values[name] = self.values[name].split(",")
        missing = [name for name, value in self.values.items() if value is None]
        if missing:
            raise ValueError(f"parameters without a default need a value: {missing}")
        self.values |= {
            "AWS::AccountId": ACCOUNT,
            "AWS::Region": REGION,
            "AWS::StackName": STACK,
            "AWS::StackId": STACK_ID,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
        }

    def environment(self, function: str) -> dict[str, str]:
        """The function's environment variables: the Globals' and its own, evaluated."""
        globals_ = self.template.get("Globals", {}).get("Function", {})
        variables = dict(globals_.get("Environment", {}).get("Variables", {}))
        own = self.template["Resources"][function]["Properties"].get("Environment", {}).get("Variables", {})
        variables.update(own)
        evaluated = {name: self.evaluate(value) for name, value in variables.items()}
        return {name: str(value) for name, value in evaluated.items() if value is not NO_VALUE}

    def condition(self, name: str) -> bool:
        return bool(self.evaluate(self.template["Conditions"][name]))

    def evaluate(self, node: Any) -> Any:
        if isinstance(node, list):
            return [value for value in (self.evaluate(item) for item in node) if value is not NO_VALUE]
        if not isinstance(node, dict):
            return node
        if len(node) != 1:
            return {key: self.evaluate(value) for key, value in node.items()}
        ((function, argument),) = node.items()
        if function == "Ref":
            return NO_VALUE if argument == "AWS::NoValue" else self._ref(argument)
        if function == "Condition":
            return self.condition(argument)
        handler = getattr(self, "_" + function.removeprefix("Fn::").lower(), None)
        if handler is None:
            return {function: self.evaluate(argument)}
        return handler(argument)

    def _ref(self, name: str) -> Any:
        if name in self.values:
            return self.values[name]
        return name  # a resource's logical id stands for its physical name here

    def _sub(self, argument: Any) -> str:
        text, variables = (argument, {}) if isinstance(argument, str) else argument
        local = {name: self.evaluate(value) for name, value in variables.items()}

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in local:
                return str(local[name])
            if "." in name:  # ${Resource.Attribute}: not known before deployment
                return f"<{name}>"
            value = self._ref(name)
            return ",".join(value) if isinstance(value, list) else str(value)

        return re.sub(r"\$\{([^}!]+)\}", replace, text)

    def _join(self, argument: list[Any]) -> str:
        separator, values = argument
        return str(separator).join(str(value) for value in self.evaluate(values))

    def _select(self, argument: list[Any]) -> Any:
        index, values = argument
        return self.evaluate(values)[int(self.evaluate(index))]

    def _split(self, argument: list[Any]) -> list[str]:
        separator, value = argument
        return str(self.evaluate(value)).split(separator)

    def _if(self, argument: list[Any]) -> Any:
        name, when_true, when_false = argument
        return self.evaluate(when_true if self.condition(name) else when_false)

    def _equals(self, argument: list[Any]) -> bool:
        left, right = (self.evaluate(value) for value in argument)
        return bool(left == right)

    def _not(self, argument: list[Any]) -> bool:
        return not self.evaluate(argument[0])

    def _or(self, argument: list[Any]) -> bool:
        return any(self.evaluate(value) for value in argument)

    def _and(self, argument: list[Any]) -> bool:
        return all(self.evaluate(value) for value in argument)

    def _contains(self, argument: list[Any]) -> bool:
        values, value = (self.evaluate(item) for item in argument)
        return value in values
