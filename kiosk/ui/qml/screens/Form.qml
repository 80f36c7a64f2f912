import QtQuick
import "../components"

// One field group per page; validation messages at the field.
Item {
    Flickable {
        id: flick
        anchors { fill: parent; bottomMargin: nextButton.height + Theme.spacing }
        clip: true
        contentHeight: column.height
        Column {
            id: column
            width: parent.width
            spacing: Theme.spacing
            ScreenTitle { text: session.formTitle }
            KText {
                color: Theme.muted
                text: qsTr("Page %1 of %2").arg(session.formPage + 1).arg(session.formPages)
            }
            KText {
                visible: session.idMasked !== ""
                color: Theme.muted
                text: qsTr("Identified: %1").arg(session.idMasked)
            }
            Repeater {
                model: session.formFields
                Column {
                    id: fieldBox
                    required property var modelData
                    width: column.width
                    spacing: 8
                    KText {
                        width: parent.width
                        font.bold: true
                        text: fieldBox.modelData.label + (fieldBox.modelData.required ? " *" : "")
                    }
                    KText {
                        width: parent.width
                        visible: text !== ""
                        text: fieldBox.modelData.help
                        color: Theme.muted
                        font.pixelSize: Theme.fontSmall
                    }
                    KField {
                        objectName: "field_" + fieldBox.modelData.id
                        visible: fieldBox.modelData.type !== "choice"
                        width: parent.width
                        text: fieldBox.modelData.value
                        maximumLength: fieldBox.modelData.maxLength
                        errorText: fieldBox.modelData.error
                        inputMethodHints: fieldBox.modelData.type === "number" ? Qt.ImhFormattedNumbersOnly
                                          : fieldBox.modelData.type === "phone" ? Qt.ImhDialableCharactersOnly
                                          : fieldBox.modelData.type === "date" ? Qt.ImhDate
                                          : Qt.ImhNone
                        onTextEdited: session.setFieldValue(fieldBox.modelData.id, text)
                    }
                    Flow {
                        visible: fieldBox.modelData.type === "choice"
                        width: parent.width
                        spacing: 10
                        property string chosen: fieldBox.modelData.value
                        Repeater {
                            model: fieldBox.modelData.choices
                            BigButton {
                                required property var modelData
                                objectName: "choice_" + fieldBox.modelData.id + "_" + modelData.value
                                text: modelData.label
                                selected: parent.chosen === modelData.value
                                onClicked: {
                                    parent.chosen = modelData.value
                                    session.setFieldValue(fieldBox.modelData.id, modelData.value)
                                }
                            }
                        }
                    }
                    ErrorText {
                        objectName: "error_" + fieldBox.modelData.id
                        text: fieldBox.modelData.error
                    }
                }
            }
        }
    }
    BigButton {
        id: nextButton
        objectName: "submitPage"
        anchors { bottom: parent.bottom; right: parent.right }
        primary: true
        text: qsTr("Next")
        onClicked: session.submitPage()
    }
}
